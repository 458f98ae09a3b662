"""`corridor send_messages`: deliver the queued messages whose time has come."""

from typing import Any

from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.notify.services import deliver_due


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = gettext_noop("Send queued messages to people; failed ones are retried with back-off.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = deliver_due()
        self.stdout.write(
            f"messages sent: {report.sent}, to retry: {report.retrying}, failed: {report.failed}"
        )
