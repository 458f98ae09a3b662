"""The base of Corridor's management commands: errors are one clear line and a non-zero exit."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from corridor.exceptions import DomainError


class _OneLineParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if getattr(self, "called_from_command_line", False):
            sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}")


class CorridorCommand(BaseCommand):
    """A command whose bad arguments and refused operations end in one line, never a traceback.

    Each command names the permission policy action it acts under (`policy_action`), as views do.
    """

    policy_action: str = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description:  # marked with gettext_noop where the command is defined
            parser.description = gettext(parser.description)
        # Same parser, one-line errors: the subclass adds behaviour only, no state.
        parser.__class__ = _OneLineParser
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
