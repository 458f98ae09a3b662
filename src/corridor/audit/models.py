"""The append-only, hash-chained audit log."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditHead(models.Model):
    """One row that holds the end of the chain; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.last_hash[:12]}"


class AuditEvent(models.Model):
    """One thing that happened, linked to the event before it by its hash."""

    sequence = models.PositiveBigIntegerField(unique=True, verbose_name=_("sequence"))
    at = models.DateTimeField(verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=80, db_index=True, verbose_name=_("action"))
    object_type = models.CharField(max_length=80, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object ID"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    previous_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("hash"))

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def compute_hash(self) -> str:
        return compute_hash(
            previous_hash=self.previous_hash,
            sequence=self.sequence,
            at=self.at.isoformat(),
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            data=self.data,
        )


def compute_hash(**fields: Any) -> str:
    """SHA-256 of the event's fields in canonical JSON, chained by the previous hash."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
