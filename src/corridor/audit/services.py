"""Writing to and checking the audit chain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from corridor.audit.models import GENESIS_HASH, AuditEvent, AuditHead


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so the hash is computed over exactly what the database stores.
    result: dict[str, Any] = json.loads(json.dumps(data, default=str, ensure_ascii=False))
    return result


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    event = AuditEvent(
        sequence=head.sequence + 1,
        at=timezone.now(),
        actor_id=actor_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=_jsonable(data or {}),
        previous_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain from the first event and report the first broken link, if any."""
    previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainReport(
                checked,
                event.sequence,
                f"event #{expected_sequence} is missing (next is #{event.sequence})",
            )
        if event.previous_hash != previous:
            return ChainReport(
                checked, event.sequence, "its previous hash does not match the event before it"
            )
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.sequence, "its content does not match its hash")
        previous = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.sequence < checked:
        return ChainReport(
            checked,
            head.sequence + 1,
            f"it lies beyond the chain's head (#{head.sequence}): inserted after the last append",
        )
    if head is not None and head.sequence > checked:
        return ChainReport(
            checked, checked + 1, f"the chain ends at #{checked} but its head says #{head.sequence}"
        )
    return ChainReport(checked, None, "")
