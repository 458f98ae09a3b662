"""Plans the planner proposed, the one a coordinator accepted, and each batch's standby list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.cases.models import Case
from corridor.crossings.models import Batch, Crossing, Direction


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    SUPERSEDED = "superseded", _("Superseded")


class PlanProposal(models.Model):
    """One plan over a horizon of crossing days, as the planner made it, and what became of it."""

    crossing = models.ForeignKey(
        Crossing, on_delete=models.PROTECT, related_name="plans", verbose_name=_("crossing")
    )
    direction = models.CharField(
        max_length=3, choices=Direction.choices, default=Direction.OUT, verbose_name=_("direction")
    )
    first_day = models.DateField(verbose_name=_("first day"))
    days = models.PositiveSmallIntegerField(verbose_name=_("days"))
    planned_at = models.DateTimeField(verbose_name=_("planned as of"))
    rules_version = models.CharField(max_length=60, verbose_name=_("rules version"))
    plan = models.JSONField(verbose_name=_("plan"))
    trigger = models.JSONField(default=dict, blank=True, verbose_name=_("made because of"))
    changes = models.JSONField(default=list, blank=True, verbose_name=_("changes"))
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("re-plan of"),
    )
    status = models.CharField(
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan proposal")
        verbose_name_plural = _("plan proposals")

    def __str__(self) -> str:
        return f"{self.crossing.code} {self.first_day} +{self.days} ({self.get_status_display()})"


class StandbyEntry(models.Model):
    """A case to call, in order, when someone on the batch is refused or does not come."""

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="standby", verbose_name=_("batch")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="standby_entries", verbose_name=_("case")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    proposal = models.ForeignKey(
        PlanProposal,
        on_delete=models.PROTECT,
        related_name="standby_entries",
        verbose_name=_("from plan"),
    )

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("standby entry")
        verbose_name_plural = _("standby list")
        constraints = [
            models.UniqueConstraint(fields=["batch", "case"], name="case_once_on_a_standby_list"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} standby {self.position}: {self.case}"
