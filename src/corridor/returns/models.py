"""Return registrations, the eligibility rule that decides them, and the calls to returnees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.accounts.models import Party
from corridor.people.models import Person


class EligibilityRule(models.Model):
    """Who may return: residents of a territory who left on or after a date (configuration)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=200, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=200, verbose_name=_("name (English)"))
    residence_territory = models.SlugField(
        max_length=40, verbose_name=_("residence territory required")
    )
    left_on_or_after = models.DateField(verbose_name=_("left on or after"))
    active = models.BooleanField(default=True, verbose_name=_("in force"))

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_rule_in_force"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"


class ReturnStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    LISTED = "listed", _("Listed on a batch")
    CLEARED = "cleared", _("Cleared")
    CALLED = "called", _("Called")
    CROSSED = "crossed", _("Crossed")
    TURNED_BACK = "turned_back", _("Turned back")


class ReturnRegistrationQuerySet(models.QuerySet["ReturnRegistration"]):
    def eligible(self) -> ReturnRegistrationQuerySet:
        return self.filter(status=ReturnStatus.ELIGIBLE)


class ReturnRegistration(models.Model):
    """A person registered to return home, with the decision on their eligibility."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="return_registrations",
        verbose_name=_("person"),
    )
    registered_with = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="return_registrations",
        verbose_name=_("registered with"),
    )
    registered_on = models.DateField(verbose_name=_("registered on"))
    current_location = models.CharField(max_length=120, verbose_name=_("where they are now"))
    departure_date = models.DateField(verbose_name=_("date they left"))
    household_members = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("household members")
    )
    status = models.CharField(
        max_length=12,
        choices=ReturnStatus.choices,
        default=ReturnStatus.REGISTERED,
        db_index=True,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(verbose_name=_("status changed at"))
    eligibility_rule = models.ForeignKey(
        EligibilityRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decided by rule"),
    )
    eligibility_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("reason for the decision")
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("anonymised at")
    )

    objects = ReturnRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("return registration")
        verbose_name_plural = _("return registrations")
        constraints = [
            models.UniqueConstraint(fields=["person"], name="one_return_registration_per_person")
        ]
        # A party's registrations in the order they registered, whole or by status: the lists
        # of 80,000 and the choice of whom to list next read these without sorting.
        indexes = [
            models.Index(
                fields=["registered_with", "registered_on", "id"], name="return_party_date"
            ),
            models.Index(
                fields=["registered_with", "status", "registered_on", "id"],
                name="return_party_status_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"


class CallOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Reached, confirmed")
    NO_ANSWER = "no_answer", _("No answer")
    DECLINED = "declined", _("Declined")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class ReturnCall(models.Model):
    """A returns officer's telephone call to a listed returnee, and how it went."""

    registration = models.ForeignKey(
        ReturnRegistration,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("return registration"),
    )
    batch = models.ForeignKey(
        "crossings.Batch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("batch"),
        help_text=_("The return batch the call was about."),
    )
    outcome = models.CharField(
        max_length=12, choices=CallOutcome.choices, verbose_name=_("outcome")
    )
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))
    called_at = models.DateTimeField(verbose_name=_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
    )

    class Meta:
        ordering = ["registration", "called_at", "id"]
        verbose_name = _("call to a returnee")
        verbose_name_plural = _("calls to returnees")
        indexes = [
            models.Index(fields=["registration", "called_at"], name="return_call_registration_at")
        ]

    def __str__(self) -> str:
        return (
            f"{self.registration_id} {self.called_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"
        )
