"""`corridor audit verify`: walk the hash chain and report the first broken link."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from corridor.accounts import policy
from corridor.audit.services import verify_chain
from corridor.commands import CorridorCommand


class Command(CorridorCommand):
    policy_action = policy.AUDIT_VIEW
    help = "Work with the audit log. `verify` checks every link of the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do with the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.problem} "
                f"({report.checked} events checked before it)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events checked")
