"""Append messages as JSON lines to a file under the data directory, for another tool to send."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from corridor.notify.backends.base import DeliveryFailed, Outgoing


def outbox_path() -> Path:
    return Path(settings.DATA_DIR) / "outbox" / "messages.jsonl"


class OutboxBackend:
    def send(self, outgoing: Outgoing) -> None:
        path = outbox_path()
        line = json.dumps(
            {
                "reference": outgoing.reference,
                "to": outgoing.to,
                "text": outgoing.text,
                "language": outgoing.language,
                "kind": outgoing.kind,
            },
            ensure_ascii=False,
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise DeliveryFailed(f"outbox not writable: {exc}") from exc
