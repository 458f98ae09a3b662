"""`corridor grant_role USER ROLE`: give a user a role (the first administrator, say)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from corridor.accounts import policy
from corridor.accounts.models import Party, Role, User
from corridor.accounts.services import grant_role
from corridor.commands import CorridorCommand


class Command(CorridorCommand):
    help = "Give an existing user a role, optionally setting the party they act for."
    policy_action = policy.OPERATOR_COMMAND

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--party", help="code of the party the user acts for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"no user {options['username']!r}; create one first (corridor createsuperuser)"
            )
        if options["party"]:
            party = Party.objects.filter(code=options["party"]).first()
            if party is None:
                raise CommandError(f"no party with code {options['party']!r}")
            user.party = party
            user.save(update_fields=["party"])
        if options["role"] == Role.ADMINISTRATOR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        grant_role(user, options["role"])
        self.stdout.write(f"{user.username} now holds: {', '.join(sorted(user.role_codes))}")
