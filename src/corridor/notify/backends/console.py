"""Print messages to standard output: the default, for development and drills."""

from __future__ import annotations

import sys

from corridor.notify.backends.base import Outgoing


class ConsoleBackend:
    def send(self, outgoing: Outgoing) -> None:
        sys.stdout.write(f"[message {outgoing.reference} to {outgoing.to}] {outgoing.text}\n")
