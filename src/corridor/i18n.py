"""Names kept in both languages, shown in the language of the request."""

from __future__ import annotations

from typing import Any

from django.utils import translation


def local_name(obj: Any) -> str:
    """`obj.name_ar` when Arabic is active, else `obj.name_en` (falling back to the other)."""
    if obj is None:
        return ""
    arabic = (translation.get_language() or "").startswith("ar")
    first, second = ("name_ar", "name_en") if arabic else ("name_en", "name_ar")
    return str(getattr(obj, first, "") or getattr(obj, second, ""))
