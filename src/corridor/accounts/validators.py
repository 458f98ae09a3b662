"""Password rules worded in Corridor's own catalogue, so that both languages say them in full."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, reworded: its Arabic catalogue lacks the form for 12 and the like."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
