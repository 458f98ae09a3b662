"""Message backends: look-alike modules registered in one dict; adding one means copying one."""

from __future__ import annotations

from typing import Protocol

from corridor.notify.backends import console, outbox, rapidpro
from corridor.notify.backends.base import DeliveryFailed, Outgoing


class Backend(Protocol):
    def send(self, outgoing: Outgoing) -> None: ...


BACKENDS: dict[str, type[Backend]] = {
    "console": console.ConsoleBackend,
    "outbox": outbox.OutboxBackend,
    "rapidpro": rapidpro.RapidProBackend,
}


def get_backend(name: str) -> Backend:
    """A fresh backend of the registered `name` (a clear error for an unknown one)."""
    try:
        return BACKENDS[name]()
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown message backend {name!r} (known: {known})") from None


__all__ = ["BACKENDS", "Backend", "DeliveryFailed", "Outgoing", "get_backend"]
