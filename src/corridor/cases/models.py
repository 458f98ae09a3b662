"""Evacuation cases, their companions and the destinations they are offered to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.accounts.models import Facility, Party
from corridor.crypto import EncryptedFileContentField, EncryptedTextField
from corridor.people.models import Person


class UrgencyTier(models.Model):
    """A configurable urgency tier; a lower rank is more urgent."""

    code = models.SlugField(max_length=30, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=80, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=80, verbose_name=_("name (English)"))
    rank = models.PositiveSmallIntegerField(unique=True, verbose_name=_("rank"))
    fhir_priority = models.CharField(
        max_length=10,
        choices=[("stat", "stat"), ("asap", "asap"), ("urgent", "urgent"), ("routine", "routine")],
        default="routine",
        verbose_name=_("FHIR priority"),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("urgency tier")
        verbose_name_plural = _("urgency tiers")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"


class ClinicalCategory(models.TextChoices):
    TRAUMA = "trauma", _("Trauma")
    CANCER = "cancer", _("Cancer")
    CARDIAC = "cardiac", _("Cardiac")
    RENAL = "renal", _("Renal")
    CONGENITAL = "congenital", _("Congenital")
    NEUROLOGICAL = "neurological", _("Neurological")
    BURNS = "burns", _("Burns")
    OTHER = "other", _("Other")


class MobilityNeed(models.TextChoices):
    STRETCHER = "stretcher", _("Stretcher")
    WHEELCHAIR = "wheelchair", _("Wheelchair")
    SEATED = "seated", _("Seated")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved (Form No. 1)")
    NOT_APPROVED = "not_approved", _("Not approved")
    OFFERED = "offered", _("Offered to destinations")
    ACCEPTED = "accepted", _("Accepted by a destination")
    LISTED = "listed", _("Listed on a batch")
    CLEARED = "cleared", _("Cleared")
    CROSSED = "crossed", _("Crossed")
    TURNED_BACK = "turned_back", _("Turned back")
    ADMITTED = "admitted", _("Admitted abroad")
    REQUEUED = "requeued", _("Re-queued")
    DIED = "died", _("Died while waiting")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which a case waits for a seat on a batch.
WAITING_STATUSES = frozenset(
    {CaseStatus.APPROVED, CaseStatus.OFFERED, CaseStatus.ACCEPTED, CaseStatus.REQUEUED}
)
# States from which nothing but a correction by an administrator leads on.
CLOSED_STATUSES = frozenset({CaseStatus.ADMITTED, CaseStatus.DIED, CaseStatus.WITHDRAWN})


class CaseQuerySet(models.QuerySet["Case"]):
    def waiting(self) -> CaseQuerySet:
        return self.filter(status__in=WAITING_STATUSES)

    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)

    def with_urgency(self, code: str) -> CaseQuerySet:
        return self.filter(urgency__code=code)


class Case(models.Model):
    """A patient referred for treatment abroad, from registration to admission or closure."""

    reference = models.CharField(max_length=30, unique=True, verbose_name=_("reference"))
    patient = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("patient")
    )
    referring_facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="referred_cases",
        verbose_name=_("referring facility"),
    )
    referral_date = models.DateField(verbose_name=_("referral date"))
    registered_at = models.DateTimeField(verbose_name=_("registered at"))
    clinical_category = models.CharField(
        max_length=20, choices=ClinicalCategory.choices, verbose_name=_("clinical category")
    )
    icd10_code = models.CharField(max_length=8, blank=True, verbose_name=_("ICD-10 code"))
    clinical_summary = EncryptedTextField(blank=True, verbose_name=_("clinical summary"))
    urgency = models.ForeignKey(
        UrgencyTier,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("urgency"),
    )
    mobility = models.CharField(
        max_length=12,
        choices=MobilityNeed.choices,
        default=MobilityNeed.SEATED,
        verbose_name=_("mobility need"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by (Form No. 1)"),
    )
    status = models.CharField(
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.REGISTERED,
        db_index=True,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(verbose_name=_("status changed at"))
    status_reason = models.CharField(max_length=300, blank=True, verbose_name=_("status reason"))
    bump_count = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("times bumped off a batch")
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("anonymised at")
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["status", "urgency"])]

    def __str__(self) -> str:
        return self.reference


class CompanionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused clearance")
    REPLACED = "replaced", _("Replaced")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACTIVE_COMPANION_STATUSES = frozenset({CompanionStatus.PROPOSED, CompanionStatus.CONFIRMED})


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Son or daughter")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class Companion(models.Model):
    """A person travelling with a patient; cleared or refused on their own."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="companions", verbose_name=_("case")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="companionships", verbose_name=_("person")
    )
    relationship = models.CharField(
        max_length=20, choices=Relationship.choices, verbose_name=_("relationship")
    )
    is_guardian = models.BooleanField(default=False, verbose_name=_("guardian of a child patient"))
    status = models.CharField(
        max_length=12,
        choices=CompanionStatus.choices,
        default=CompanionStatus.PROPOSED,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(verbose_name=_("status changed at"))
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replaces"),
    )

    class Meta:
        verbose_name = _("companion")
        verbose_name_plural = _("companions")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person"],
                condition=models.Q(status__in=["proposed", "confirmed"]),
                name="companion_once_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relationship_display()}) - {self.case}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DestinationOffer(models.Model):
    """A case offered to a receiving party, and its answer."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="offers", verbose_name=_("case")
    )
    receiving_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="offers", verbose_name=_("receiving party")
    )
    status = models.CharField(
        max_length=10,
        choices=OfferStatus.choices,
        default=OfferStatus.OFFERED,
        verbose_name=_("status"),
    )
    offered_on = models.DateField(verbose_name=_("offered on"))
    answered_on = models.DateField(null=True, blank=True, verbose_name=_("answered on"))
    available_from = models.DateField(null=True, blank=True, verbose_name=_("bed available from"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("destination offer")
        verbose_name_plural = _("destination offers")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "receiving_party"],
                condition=models.Q(status__in=["offered", "accepted"]),
                name="one_open_offer_per_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} -> {self.receiving_party.name_en}"


class UrgencyChange(models.Model):
    """The history of a case's urgency: who changed it, when and why."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="urgency_changes", verbose_name=_("case")
    )
    previous = models.ForeignKey(
        UrgencyTier, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    new = models.ForeignKey(
        UrgencyTier, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    changed_at = models.DateTimeField(verbose_name=_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason"))

    class Meta:
        ordering = ["changed_at"]
        verbose_name = _("urgency change")
        verbose_name_plural = _("urgency changes")

    def __str__(self) -> str:
        return f"{self.case} -> {self.new}"


class DocumentKind(models.TextChoices):
    MEDICAL_REPORT = "medical_report", _("Medical report")
    REFERRAL_FORM = "referral_form", _("Referral form")
    PASSPORT_COPY = "passport_copy", _("Passport copy")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")


# Kinds a receiving party may read; the others identify the person and stay with the referrers.
MEDICAL_DOCUMENT_KINDS = frozenset({DocumentKind.MEDICAL_REPORT, DocumentKind.REFERRAL_FORM})


class CaseDocumentQuerySet(models.QuerySet["CaseDocument"]):
    def current(self) -> CaseDocumentQuerySet:
        """Documents not withdrawn, without their content (read only for a download)."""
        return self.filter(withdrawn_at__isnull=True).defer("content")


class CaseDocument(models.Model):
    """A file attached to a case, its content encrypted at rest; withdrawn, never deleted."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case")
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=120, verbose_name=_("title"))
    content_type = models.CharField(max_length=40, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size in bytes"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    # The file as base64, encrypted; emptied when retention anonymises the case.
    content = EncryptedFileContentField(blank=True, verbose_name=_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"))
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("withdrawn at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("reason for withdrawal")
    )

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return f"{self.case} - {self.get_kind_display()}"
