"""Crossings, their days and quotas, batches, clearances, coordination events, movements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.accounts.models import Facility, Party
from corridor.crypto import EncryptedTextField
from corridor.people.models import Person


class Direction(models.TextChoices):
    OUT = "out", _("Out (departures)")
    IN = "in", _("In (arrivals)")


class Crossing(models.Model):
    """A border crossing point with its opening hours and the routes that run through it."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=100, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=100, verbose_name=_("name (English)"))
    allows_out = models.BooleanField(default=True, verbose_name=_("departures allowed"))
    allows_in = models.BooleanField(default=True, verbose_name=_("arrivals allowed"))
    opens_at = models.TimeField(verbose_name=_("opens at"))
    closes_at = models.TimeField(verbose_name=_("closes at"))
    routes = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("routes"),
        help_text=_('A list of {"ar": ..., "en": ...} route descriptions.'),
    )
    operated_by = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("crossing authority"),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("crossing")
        verbose_name_plural = _("crossings")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"

    @property
    def directions(self) -> list[str]:
        return [
            d
            for d, allowed in ((Direction.OUT, self.allows_out), (Direction.IN, self.allows_in))
            if allowed
        ]


class DayStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESTRICTED = "restricted", _("Restricted")
    CLOSED = "closed", _("Closed")


class CrossingDay(models.Model):
    """One calendar day of a crossing: whether it opens and its quota per direction."""

    crossing = models.ForeignKey(
        Crossing, on_delete=models.PROTECT, related_name="days", verbose_name=_("crossing")
    )
    date = models.DateField(verbose_name=_("date"))
    status = models.CharField(
        max_length=12, choices=DayStatus.choices, default=DayStatus.OPEN, verbose_name=_("status")
    )
    quota_out = models.PositiveIntegerField(default=0, verbose_name=_("quota out"))
    quota_in = models.PositiveIntegerField(default=0, verbose_name=_("quota in"))
    agreed_quota_out = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("agreed quota out")
    )
    agreed_quota_in = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("agreed quota in")
    )
    quota_source = models.CharField(max_length=300, blank=True, verbose_name=_("source of quota"))
    companions_count_in_quota = models.BooleanField(
        default=True, verbose_name=_("companions count in the quota")
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))

    class Meta:
        ordering = ["crossing", "date"]
        verbose_name = _("crossing day")
        verbose_name_plural = _("crossing days")
        constraints = [
            models.UniqueConstraint(fields=["crossing", "date"], name="one_day_per_crossing_date"),
        ]

    def __str__(self) -> str:
        return f"{self.crossing.name_en} {self.date.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.status in (DayStatus.OPEN, DayStatus.RESTRICTED)

    def quota(self, direction: str) -> int:
        return self.quota_out if direction == Direction.OUT else self.quota_in


class BatchKind(models.TextChoices):
    EVACUATION = "evacuation", _("Evacuation (patients and companions)")
    RETURN = "return", _("Return (returnees)")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PARTLY_CLEARED = "partly_cleared", _("Partly cleared")
    CLEARED = "cleared", _("Fully cleared")
    CONFIRMED = "confirmed", _("Coordination confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    POSTPONED = "postponed", _("Postponed")
    DEPARTED = "departed", _("Departed")
    CROSSED = "crossed", _("Crossed")
    CLOSED = "closed", _("Closed")


# Batches whose members hold seats against the day's quota.
QUOTA_HOLDING_STATUSES = frozenset(
    {
        BatchStatus.CONFIRMED,
        BatchStatus.RESUMED,
        BatchStatus.DEPARTED,
        BatchStatus.CROSSED,
        BatchStatus.CLOSED,
    }
)


class Batch(models.Model):
    """A daily list of people travelling together through a crossing in one direction."""

    number = models.PositiveIntegerField(verbose_name=_("number"))
    kind = models.CharField(
        max_length=12,
        choices=BatchKind.choices,
        default=BatchKind.EVACUATION,
        verbose_name=_("kind"),
    )
    crossing = models.ForeignKey(
        Crossing, on_delete=models.PROTECT, related_name="batches", verbose_name=_("crossing")
    )
    direction = models.CharField(
        max_length=3, choices=Direction.choices, verbose_name=_("direction")
    )
    planned_date = models.DateField(db_index=True, verbose_name=_("planned date"))
    first_planned_date = models.DateField(verbose_name=_("first planned date"))
    assembly_point = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("assembly point"),
    )
    status = models.CharField(
        max_length=16,
        choices=BatchStatus.choices,
        default=BatchStatus.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(verbose_name=_("status changed at"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["crossing", "direction", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(
                fields=["crossing", "direction", "kind", "number"], name="unique_batch_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crossing.name_en} {self.get_direction_display()} #{self.number}"


class MemberRole(models.TextChoices):
    PATIENT = "patient", _("Patient")
    COMPANION = "companion", _("Companion")
    RETURNEE = "returnee", _("Returnee")


class Clearance(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    CLEARED = "cleared", _("Cleared")
    REFUSED = "refused", _("Refused")
    NO_ANSWER = "no_answer", _("No answer")


class Outcome(models.TextChoices):
    NONE = "", _("No outcome yet")
    CROSSED = "crossed", _("Crossed")
    TURNED_BACK = "turned_back", _("Turned back")
    NO_SHOW = "no_show", _("Did not come")
    REFUSED = "refused", _("Refused clearance")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DIED = "died", _("Died")


class BatchMember(models.Model):
    """A person on a batch, in seat order, with their clearance and, in the end, the outcome."""

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="members", verbose_name=_("batch")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="batch_memberships", verbose_name=_("person")
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, verbose_name=_("role"))
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batch_memberships",
        verbose_name=_("case"),
    )
    companion = models.ForeignKey(
        "cases.Companion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batch_memberships",
        verbose_name=_("companion"),
    )
    return_registration = models.ForeignKey(
        "returns.ReturnRegistration",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batch_memberships",
        verbose_name=_("return registration"),
    )
    seat = models.PositiveSmallIntegerField(verbose_name=_("seat"))
    clearance = models.CharField(
        max_length=10,
        choices=Clearance.choices,
        default=Clearance.PENDING,
        verbose_name=_("clearance"),
    )
    clearance_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cleared or refused by"),
    )
    clearance_at = models.DateTimeField(null=True, blank=True, verbose_name=_("clearance at"))
    needs_reconfirmation = models.BooleanField(
        default=False, verbose_name=_("clearance to be re-confirmed")
    )
    checked_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked in at"))
    outcome = models.CharField(
        max_length=12,
        choices=Outcome.choices,
        default=Outcome.NONE,
        blank=True,
        verbose_name=_("outcome"),
    )
    outcome_at = models.DateTimeField(null=True, blank=True, verbose_name=_("outcome at"))
    active = models.BooleanField(
        default=True, verbose_name=_("active"), help_text=_("Still travelling on this batch.")
    )

    class Meta:
        ordering = ["batch", "seat"]
        verbose_name = _("batch member")
        verbose_name_plural = _("batch members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(active=True),
                name="one_active_batch_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    active=True,
                    outcome__in=["refused", "no_show", "withdrawn", "died", "turned_back"],
                ),
                name="ended_membership_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} seat {self.seat}: {self.person}"

    @property
    def cleared_to_travel(self) -> bool:
        """Cleared, and the clearance is not waiting to be re-confirmed for a new date."""
        return self.clearance == Clearance.CLEARED and not self.needs_reconfirmation


class CoordinationEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("List submitted")
    CONFIRMED = "confirmed", _("Coordination confirmed")
    CANCELLED = "cancelled", _("Coordination cancelled")
    SUSPENDED = "suspended", _("Coordination suspended")
    RESUMED = "resumed", _("Coordination resumed")
    POSTPONED = "postponed", _("Postponed")


class CoordinationEvent(models.Model):
    """A decision about a batch by a party, how it reached us, and the reason (or its absence)."""

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="coordination_events", verbose_name=_("batch")
    )
    kind = models.CharField(
        max_length=12, choices=CoordinationEventKind.choices, verbose_name=_("kind")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    relayed_by = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("relayed by"),
    )
    relayed_to = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("relayed to"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    no_reason_given = models.BooleanField(default=False, verbose_name=_("no reason given"))
    previous_date = models.DateField(null=True, blank=True, verbose_name=_("previous date"))
    new_date = models.DateField(null=True, blank=True, verbose_name=_("new date"))
    at = models.DateTimeField(verbose_name=_("at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["batch", "at", "id"]
        verbose_name = _("coordination event")
        verbose_name_plural = _("coordination events")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(no_reason_given=True) & ~models.Q(reason="")),
                name="reason_or_no_reason_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch}: {self.get_kind_display()}"

    @property
    def reason_text(self) -> str:
        if self.no_reason_given:
            return str(_("no reason given"))
        return self.reason


class MovementOutcome(models.TextChoices):
    CROSSED = "crossed", _("Crossed")
    TURNED_BACK = "turned_back", _("Turned back")


class Movement(models.Model):
    """One line of the crossing log: a person who crossed or was turned back."""

    crossing = models.ForeignKey(
        Crossing, on_delete=models.PROTECT, related_name="movements", verbose_name=_("crossing")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="movements", verbose_name=_("person")
    )
    direction = models.CharField(
        max_length=3, choices=Direction.choices, verbose_name=_("direction")
    )
    at = models.DateTimeField(verbose_name=_("at"))
    date = models.DateField(db_index=True, verbose_name=_("date"))
    batch = models.ForeignKey(
        Batch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("batch"),
    )
    outcome = models.CharField(
        max_length=12, choices=MovementOutcome.choices, verbose_name=_("outcome")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["at"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [models.Index(fields=["crossing", "date", "direction"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_direction_display()} {self.get_outcome_display()}"


class IncidentKind(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment")
    INTERROGATION = "interrogation", _("Harsh interrogation")
    DETENTION = "detention", _("Detention")
    PROPERTY = "property", _("Confiscation of property")
    INJURY = "injury", _("Injury")
    OTHER = "other", _("Other")


class IncidentSeverity(models.TextChoices):
    NOT_ASSESSED = "", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """A protection incident at a crossing: the most sensitive record Corridor keeps."""

    crossing = models.ForeignKey(
        Crossing, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("crossing")
    )
    kind = models.CharField(max_length=16, choices=IncidentKind.choices, verbose_name=_("kind"))
    occurred_on = models.DateField(verbose_name=_("date"))
    people = models.ManyToManyField(
        Person, blank=True, related_name="incidents", verbose_name=_("people involved")
    )
    narrative = EncryptedTextField(verbose_name=_("narrative"))
    place = models.CharField(
        max_length=200,
        blank=True,
        verbose_name=_("place"),
        help_text=_("Where at the crossing, e.g. the hall on the far side."),
    )
    severity = models.CharField(
        max_length=10,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.NOT_ASSESSED,
        blank=True,
        verbose_name=_("severity"),
    )
    status = models.CharField(
        max_length=12,
        choices=IncidentStatus.choices,
        default=IncidentStatus.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("status changed at")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("anonymised at")
    )

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class IncidentReview(models.Model):
    """One step of an incident's review: the status it moved to, with a note (encrypted)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("incident")
    )
    from_status = models.CharField(
        max_length=12, choices=IncidentStatus.choices, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=12, choices=IncidentStatus.choices, verbose_name=_("to status")
    )
    note = EncryptedTextField(blank=True, verbose_name=_("note"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    at = models.DateTimeField(verbose_name=_("at"))

    class Meta:
        ordering = ["incident", "at", "id"]
        verbose_name = _("incident review")
        verbose_name_plural = _("incident reviews")

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_to_status_display()}"
