"""Checks on identity fields: national ID check digits and phone numbers."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.il import idnr

DEFAULT_PHONE_REGION = "PS"


def national_id_warnings(value: str) -> list[str]:
    """Warnings for a national ID: 9 digits and a Luhn-style check digit.

    Palestinian IDs are believed to use the same check digit as Israeli ones, unconfirmed,
    so a failed check is a warning to look again, never a rejection.
    """
    if not value:
        return []
    if not (value.isdigit() and len(value) == 9):
        return [_("ID number should be 9 digits, got %(value)r.") % {"value": value}]
    try:
        idnr.validate(value)
    except StdnumError:
        return [_("ID number %(value)s fails the check digit; check it again.") % {"value": value}]
    return []


class InvalidPhoneNumber(ValueError):
    pass


def normalise_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Return `value` in E.164 form, or raise InvalidPhoneNumber saying why."""
    value = value.strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(
            _("%(value)r is not a phone number: %(reason)s") % {"value": value, "reason": exc}
        ) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber(_("%(value)r is not a possible phone number.") % {"value": value})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
