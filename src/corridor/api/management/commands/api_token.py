"""`corridor api_token`: create or revoke a user's token for an integration."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.accounts.models import User
from corridor.api.models import ApiToken
from corridor.api.services import create_token, revoke_token
from corridor.commands import CorridorCommand


class Command(CorridorCommand):
    help = gettext_noop(
        "Create an API token for a user, limited to the policy actions given with --scope "
        "(the token is printed once and never stored), or revoke a token by its ID."
    )
    policy_action = policy.OPERATOR_COMMAND

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username", help="the user the token acts for")
        create.add_argument("name", help="which integration uses it")
        create.add_argument(
            "--scope", action="append", default=[], help="a policy action (repeat for more)"
        )
        revoke = sub.add_parser("revoke", help="revoke a token")
        revoke.add_argument("token_id", type=int, help="the token's ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "create":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(_("No user %(name)r.") % {"name": options["username"]})
            token, plain = create_token(user, options["name"], options["scope"], actor=None)
            self.stdout.write(
                _("Token %(id)s for %(user)s (%(scopes)s); shown this once:")
                % {"id": token.pk, "user": user.username, "scopes": ", ".join(token.scopes)}
            )
            self.stdout.write(plain)
            return
        existing = ApiToken.objects.filter(pk=options["token_id"]).first()
        if existing is None:
            raise CommandError(_("No API token with ID %(id)s.") % {"id": options["token_id"]})
        revoke_token(existing, actor=None)
        self.stdout.write(_("Token %(id)s revoked.") % {"id": existing.pk})
