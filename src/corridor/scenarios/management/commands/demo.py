"""`corridor demo`: migrate, load the Rafah scenario, create demo users and serve."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils import translation

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.crossings.models import Crossing
from corridor.scenarios import rafah_2026_02
from corridor.scenarios import reference as ref
from corridor.scenarios.demo_users import create_demo_users

DEMO_DATE = ref.FIRST_DAY + datetime.timedelta(days=3)


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = (
        "Set up the demo: migrate, load the Rafah February 2026 scenario if the database has "
        "none, create one user per role (printing their logins) and serve on 127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="where to serve")
        parser.add_argument("--password", help="one password for every demo user")
        parser.add_argument(
            "--no-mfa",
            action="store_true",
            help="exempt the demo users from two-factor authentication (local exploring only)",
        )
        parser.add_argument("--seed", type=int, default=20260204, help="scenario seed")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=DEMO_DATE,
            help="the day the demo clock shows while serving (yyyy-mm-dd; default "
            f"{DEMO_DATE.isoformat()}, the Thursday batch 3 was postponed to)",
        )
        parser.add_argument(
            "--real-clock", action="store_true", help="serve on the real date, not the demo clock"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        if Crossing.objects.exists():
            self.stdout.write("the database already holds a scenario; keeping it")
        else:
            call_command(
                "load_scenario", rafah_2026_02.NAME, seed=options["seed"], stdout=self.stdout
            )
        with translation.override("en"):
            logins = create_demo_users(options["password"], mfa=not options["no_mfa"])
        self.stdout.write("\nDemo logins (one per role):")
        rows = [("username", "password", "TOTP secret", "role (party)")] + [
            (
                login.username,
                login.password,
                login.totp_secret or ("off" if options["no_mfa"] else "-"),
                f"{login.role} ({login.party})",
            )
            for login in logins
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write(f"  {'  '.join(cells)}  {row[3]}")
        if options["no_mfa"]:
            self.stdout.write(
                "\nTwo-factor authentication is off for the demo users (--no-mfa). "
                "Production ignores this exemption."
            )
        else:
            self.stdout.write(
                "\nUsers with a TOTP secret sign in with a code from an authenticator app: add "
                "the secret to one, or run `oathtool --totp -b SECRET`. Run `corridor demo "
                "--no-mfa` to explore without."
            )
        if options["no_serve"]:
            return
        if not options["real_clock"]:
            # The scenario's week lives in February 2026; the pages show it as today.
            settings.CORRIDOR_DEMO_DATE = options["date"]
            self.stdout.write(f"\nDemo clock: today is {options['date'].isoformat()}")
        self.stdout.write(f"\nServing on http://{options['addrport']}/ (Ctrl-C to stop)")
        call_command("runserver", options["addrport"], use_reloader=False)
