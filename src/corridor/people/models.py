"""A person's identity: one person may be a patient, a companion and later a returnee."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor.crypto import EncryptedCharField
from corridor.people.identity import InvalidPhoneNumber, national_id_warnings, normalise_phone
from corridor.people.names import search_key_expression

EARLIEST_BIRTH_YEAR = 1900


class Governorate(models.Model):
    """An administrative area of residence; `territory` groups governorates (e.g. Gaza Strip)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=100, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=100, verbose_name=_("name (English)"))
    territory = models.SlugField(max_length=40, verbose_name=_("territory"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Person(models.Model):
    """Identity of one human being, whatever roles they play in Corridor."""

    given_name_ar = models.CharField(max_length=60, verbose_name=_("given name (Arabic)"))
    father_name_ar = models.CharField(
        max_length=60, blank=True, verbose_name=_("father's name (Arabic)")
    )
    grandfather_name_ar = models.CharField(
        max_length=60, blank=True, verbose_name=_("grandfather's name (Arabic)")
    )
    family_name_ar = models.CharField(max_length=60, verbose_name=_("family name (Arabic)"))
    name_latin = models.CharField(max_length=240, blank=True, verbose_name=_("name (Latin)"))
    date_of_birth = models.DateField(verbose_name=_("date of birth"))
    sex = models.CharField(max_length=1, choices=Sex.choices, verbose_name=_("sex"))
    national_id = models.CharField(
        max_length=20, blank=True, db_index=True, verbose_name=_("national ID number")
    )
    passport_number = models.CharField(max_length=20, blank=True, verbose_name=_("passport number"))
    phone = EncryptedCharField(max_length=20, blank=True, verbose_name=_("phone (E.164)"))
    residence = models.ForeignKey(
        Governorate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("residence"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("anonymised at")
    )
    # Computed by the database, so bulk inserts, imports and anonymisation keep it true.
    search_key = models.GeneratedField(
        expression=search_key_expression(),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("search key"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["family_name_ar", "given_name_ar"])]

    def __str__(self) -> str:
        return self.name_ar

    @property
    def name_ar(self) -> str:
        parts = [
            self.given_name_ar,
            self.father_name_ar,
            self.grandfather_name_ar,
            self.family_name_ar,
        ]
        return " ".join(p for p in parts if p)

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_child_on(self, day: datetime.date, age_limit: int = 18) -> bool:
        return self.age_on(day) < age_limit

    def identity_warnings(self) -> list[str]:
        """Doubts about the identity fields that a person should check, never a rejection."""
        return national_id_warnings(self.national_id)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.phone:
            try:
                self.phone = normalise_phone(self.phone)
            except InvalidPhoneNumber as exc:
                errors["phone"] = str(exc)
        if self.date_of_birth and self.date_of_birth > datetime.date.today():
            errors["date_of_birth"] = str(_("Date of birth cannot be in the future."))
        elif self.date_of_birth and self.date_of_birth.year < EARLIEST_BIRTH_YEAR:
            errors["date_of_birth"] = str(
                _("Date of birth %(date)s is before %(year)s; check the century.")
                % {"date": self.date_of_birth.isoformat(), "year": EARLIEST_BIRTH_YEAR}
            )
        if errors:
            raise ValidationError(errors)
