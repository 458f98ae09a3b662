"""`corridor rotate_keys`: re-encrypt every sensitive value under a new key, without downtime."""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.crypto import EncryptionKeyError
from corridor.key_rotation import drop_retired_keys, rotate_keys


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = gettext_noop(
        "Put a new encryption key first and re-encrypt every encrypted value with it, in batches, "
        "while old keys keep decrypting. With --drop-old, afterwards: remove the retired keys "
        "once no stored value needs them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            help=_(
                "the new Fernet key (default: generate one); needed when the keys come from "
                "CORRIDOR_ENCRYPTION_KEYS and the new key is not first in it yet"
            ),
        )
        parser.add_argument(
            "--drop-old",
            action="store_true",
            help=_("do not rotate: remove the retired keys once nothing uses them"),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help=_("values re-encrypted per transaction (default 1000)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1"))
        try:
            if options["drop_old"]:
                if options["new_key"]:
                    raise CommandError(_("--drop-old and --new-key cannot be used together"))
                self._drop_old(options["batch_size"])
            else:
                self._rotate(options["new_key"], options["batch_size"])
        except EncryptionKeyError as exc:
            raise CommandError(str(exc)) from exc

    def _rotate(self, new_key: str | None, batch_size: int) -> None:
        report = rotate_keys(
            new_key=new_key.strip().encode("ascii", "replace") if new_key else None,
            batch_size=batch_size,
        )
        for field, count in report.rewritten.items():
            self.stdout.write(
                _("%(field)s: %(count)d values re-encrypted") % {"field": field, "count": count}
            )
        self.stdout.write(
            _("%(total)d values now use the new key; %(keys)d keys in the keyring.")
            % {"total": report.total, "keys": report.keys}
        )
        if report.from_environment:
            self.stdout.write(
                _(
                    "The keys come from CORRIDOR_ENCRYPTION_KEYS: unless it already does, set it "
                    "to the new key followed by the old ones and restart every process."
                )
            )
        self.stdout.write(
            _("Once every process uses the new key, run `corridor rotate_keys --drop-old`.")
        )

    def _drop_old(self, batch_size: int) -> None:
        report = drop_retired_keys(batch_size=batch_size)
        if not report.dropped:
            self.stdout.write(_("Only one key is in use: nothing to drop."))
        elif report.from_environment:
            self.stdout.write(
                _(
                    "%(checked)d values checked, none needs a retired key: set "
                    "CORRIDOR_ENCRYPTION_KEYS to its first key only and restart."
                )
                % {"checked": report.checked}
            )
        else:
            self.stdout.write(
                ngettext(
                    "%(checked)d values checked; %(dropped)d retired key dropped.",
                    "%(checked)d values checked; %(dropped)d retired keys dropped.",
                    report.dropped,
                )
                % {"checked": report.checked, "dropped": report.dropped}
            )
