"""Typed helpers that read `CORRIDOR_*` environment variables with safe defaults."""

import json
import os
import secrets
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from exc


def secret_file(path: Path, nbytes: int = 50) -> str:
    """Read a generated secret from `path`, creating it (readable by the owner only) if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list of its non-empty, stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_days_by_kind(name: str, defaults: dict[str, int | None]) -> dict[str, int | None]:
    """`defaults` with overrides from a JSON object such as {"incident": 365}; null means never."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return dict(defaults)
    try:
        overrides = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name} must be a JSON object, not {value!r}") from exc
    if not isinstance(overrides, dict):
        raise ValueError(f"{name} must be a JSON object, not {value!r}")
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        known = ", ".join(sorted(defaults))
        raise ValueError(f"{name} names unknown kinds {', '.join(unknown)} (known: {known})")
    for kind, days in overrides.items():
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise ValueError(f"{name}: {kind} must be a whole number of days or null")
    return {**defaults, **overrides}
