"""A message to one person about their crossing, and its delivery state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.cases.models import Case
from corridor.crossings.models import Batch
from corridor.people.models import Person
from corridor.returns.models import ReturnRegistration


class MessageKind(models.TextChoices):
    LISTED = "listed", _("Listed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")
    CALLED = "called", _("Called")
    CLEARED = "cleared", _("Cleared")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: object) -> MessageQuerySet:
        """Messages waiting for a first attempt or a retry whose time has come."""
        return self.filter(
            status__in=[MessageStatus.QUEUED, MessageStatus.FAILED],
            next_attempt_at__isnull=False,
            next_attempt_at__lte=now,
        )


class Message(models.Model):
    """One message to one person; its dedupe key makes the same event queue it only once."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="messages", verbose_name=_("person")
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("case"),
    )
    return_registration = models.ForeignKey(
        ReturnRegistration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("return registration"),
    )
    batch = models.ForeignKey(
        Batch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("batch"),
    )
    kind = models.CharField(max_length=12, choices=MessageKind.choices, verbose_name=_("kind"))
    language = models.CharField(max_length=10, verbose_name=_("language"))
    body = models.TextField(verbose_name=_("text"))
    channel = models.CharField(max_length=20, verbose_name=_("channel"))
    status = models.CharField(
        max_length=8,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("next attempt at")
    )
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("last error"))
    dedupe_key = models.CharField(max_length=120, unique=True, verbose_name=_("dedupe key"))
    created_at = models.DateTimeField(verbose_name=_("queued at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.kind} → {self.person_id} ({self.status})"
