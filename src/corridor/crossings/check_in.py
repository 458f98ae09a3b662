"""Check-in codes printed on a manifest, and finding the person a scan or a typed ID number names.

A check-in code holds no personal data: the database numbers of the batch and of the person's
place on it, then a keyed signature of both (HMAC-SHA256 under the server's secret key, with a
salt of its own). Without the key nobody can make a code that passes, so a leaked printout
reveals no name through its codes and cannot be used to forge one for someone else.

The code is written in digits only. A QR scanner types what it reads as a keyboard would, and
with an Arabic keyboard layout the letter and punctuation keys come out as Arabic letters while
the digit keys still type digits (Western or Arabic-Indic, both read here). Digits also make
the smallest QR code, which prints and scans best.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from corridor.crossings.models import Batch, BatchMember
from corridor.exceptions import DomainError

SALT = "corridor.crossings.check_in_code"
SIGNATURE_DIGITS = 24  # about 80 bits
# One length digit and at least one digit for each of the two numbers, then the signature.
SHORTEST_CODE = 4 + SIGNATURE_DIGITS

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, as some keyboard layouts type them.
_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


class InvalidCheckInCode(DomainError):
    """What was scanned is not a check-in code Corridor printed, or it was altered."""


class NotOnThisBatch(DomainError):
    """The code or ID number names nobody on the batch being checked in."""


@dataclass(frozen=True)
class Found:
    """The place on the batch that a scan or a typed ID number named, and how it was named."""

    member: BatchMember
    via: str  # "code" or "id_number"


def normalise(text: str) -> str:
    """What a scanner or a person typed: Western digits, no spaces."""
    return "".join(text.translate(_WESTERN_DIGITS).split())


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _signature(body: str, secret: str | bytes | None = None) -> str:
    digest = salted_hmac(SALT, body, secret=secret, algorithm="sha256").digest()
    number = int.from_bytes(digest, "big") % 10**SIGNATURE_DIGITS
    return str(number).zfill(SIGNATURE_DIGITS)


def _body(batch_id: int, member_id: int) -> str:
    parts = [str(batch_id), str(member_id)]
    if any(len(part) > 9 for part in parts):
        raise ValueError("database numbers of more than 9 digits do not fit a check-in code")
    return "".join(f"{len(part)}{part}" for part in parts)


def check_in_code(member: BatchMember) -> str:
    """The code printed beside a person on the manifest of their batch."""
    body = _body(member.batch_id, member.pk)
    return body + _signature(body)


def looks_like_code(text: str) -> bool:
    """True when `text` has the shape of a check-in code rather than of an ID number."""
    value = normalise(text)
    return _digits(value) and len(value) >= SHORTEST_CODE


def read_check_in_code(text: str) -> tuple[int, int]:
    """The batch and place numbers a genuine code carries; refuses anything else."""
    value = normalise(text)
    not_a_code = InvalidCheckInCode(
        _(
            "This is not a check-in code from a Corridor manifest. "
            "Scan it again or type the ID number."
        )
    )
    if not _digits(value) or len(value) < SHORTEST_CODE:
        raise not_a_code
    numbers: list[int] = []
    position = 0
    for _part in range(2):
        length = int(value[position])
        number = value[position + 1 : position + 1 + length]
        if length == 0 or len(number) != length:
            raise not_a_code
        numbers.append(int(number))
        position += 1 + length
    body, signature = value[:position], value[position:]
    if len(signature) != SIGNATURE_DIGITS:
        raise not_a_code
    # Codes printed before the secret key was rotated still read while the old key is kept.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(signature, _signature(body, key)) for key in secrets):
        raise InvalidCheckInCode(
            _(
                "This check-in code is not valid: it was altered or not printed by Corridor. "
                "Check the person's ID card and type the ID number."
            )
        )
    return numbers[0], numbers[1]


def find_member(batch: Batch, text: str) -> Found:
    """The place on `batch` that a scanned code or a typed ID number names, active or not."""
    value = normalise(text)
    members = batch.members.select_related("person", "batch", "clearance_party")
    if looks_like_code(value):
        batch_id, member_id = read_check_in_code(value)
        member = members.filter(pk=member_id).first() if batch_id == batch.pk else None
        if member is None:
            raise NotOnThisBatch(
                _("This code is for a person on another batch, not on batch %(number)s.")
                % {"number": batch.number}
            )
        return Found(member, "code")
    if not value:
        raise NotOnThisBatch(_("Scan a check-in code or type an ID number."))
    # The newest place first: someone moved off and back on has their active place found.
    member = members.filter(person__national_id=value).order_by("-active", "-pk").first()
    if member is None:
        raise NotOnThisBatch(
            _("Nobody with ID number %(id_number)s is on batch %(number)s.")
            % {"id_number": value, "number": batch.number}
        )
    return Found(member, "id_number")
