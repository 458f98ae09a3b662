"""What every backend receives and the one exception it raises when delivery fails."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go: its reference, the E.164 number and the text."""

    reference: str
    to: str
    text: str
    language: str
    kind: str


class DeliveryFailed(Exception):
    """The backend could not hand the message over; it may be retried later."""
