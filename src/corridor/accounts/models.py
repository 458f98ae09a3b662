"""Parties (organisations), their facilities, users and the roles users hold."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    HEALTH_MINISTRY = "health_ministry", _("Health ministry")
    COORDINATING_AGENCY = "coordinating_agency", _("Coordinating agency")
    RED_CRESCENT = "red_crescent", _("Red Crescent / Red Cross")
    CROSSING_AUTHORITY = "crossing_authority", _("Crossing authority")
    NEIGHBOURING_STATE = "neighbouring_state", _("Neighbouring state")
    BORDER_MISSION = "border_mission", _("Border mission")
    RECEIVING_COUNTRY = "receiving_country", _("Receiving country")
    RECEIVING_HOSPITAL = "receiving_hospital", _("Receiving hospital")
    EMBASSY = "embassy", _("Embassy")
    OTHER = "other", _("Other")


class Party(models.Model):
    """An organisation taking part in evacuations or returns."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=200, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=200, verbose_name=_("name (English)"))
    kind = models.CharField(max_length=30, choices=PartyKind.choices, verbose_name=_("kind"))
    country = models.CharField(max_length=2, blank=True, verbose_name=_("country (ISO code)"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    FIELD_HOSPITAL = "field_hospital", _("Field hospital")
    CLINIC = "clinic", _("Clinic")
    ASSEMBLY_POINT = "assembly_point", _("Assembly point")


class Facility(models.Model):
    """A hospital or gathering place run by a party: refers cases, or assembles a batch."""

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("party")
    )
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name_ar = models.CharField(max_length=200, verbose_name=_("name (Arabic)"))
    name_en = models.CharField(max_length=200, verbose_name=_("name (English)"))
    kind = models.CharField(
        max_length=20,
        choices=FacilityKind.choices,
        default=FacilityKind.HOSPITAL,
        verbose_name=_("kind"),
    )
    locality = models.CharField(max_length=100, blank=True, verbose_name=_("locality"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return f"{self.name_en} / {self.name_ar}"


class Role(models.TextChoices):
    REFERRAL_OFFICER = "referral_officer", _("Referral officer")
    MEDICAL_REVIEWER = "medical_reviewer", _("Medical reviewer")
    COORDINATOR = "coordinator", _("Coordinator")
    RECEIVING_LIAISON = "receiving_liaison", _("Receiving liaison")
    CROSSING_OFFICER = "crossing_officer", _("Crossing officer")
    RETURNS_OFFICER = "returns_officer", _("Returns officer")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person using Corridor, on behalf of one party, holding one or more roles."""

    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("party"),
    )
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("facility"),
        help_text=_("For referral officers: the facility whose cases they handle."),
    )
    crossing = models.ForeignKey(
        "crossings.Crossing",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("crossing"),
        help_text=_("For crossing officers: the crossing where they work."),
    )
    preferred_language = models.CharField(
        max_length=5,
        choices=[("", _("As my browser asks")), ("ar", _("Arabic")), ("en", _("English"))],
        default="",
        blank=True,
        verbose_name=_("preferred language"),
    )
    digits = models.CharField(
        max_length=6,
        choices=[("latin", _("Latin digits (0123)")), ("arabic", _("Arabic-Indic digits (٠١٢٣)"))],
        default="latin",
        verbose_name=_("digits"),
    )
    # Mixed into the session hash: changing it ends every session of the user at once.
    session_salt = models.CharField(max_length=64, blank=True, default="", editable=False)
    mfa_exempt = models.BooleanField(
        default=False,
        verbose_name=_("exempt from two-factor authentication"),
        help_text=_(
            "Set only by the demo (corridor demo --no-mfa) for local exploring; "
            "ignored when Corridor runs in production."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(fallback_secret)

    def _session_auth_hash(self, secret: str | bytes | None = None) -> str:
        # Like Django's, over the password hash and the session salt, so that signing out
        # everywhere (a new salt) and changing the password both end the other sessions.
        return salted_hmac(
            "corridor.accounts.User.get_session_auth_hash",
            f"{self.password}\n{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles`: the one call for checking a role."""
        if not self.is_active:
            return False
        held = self.role_codes
        return any(role in held for role in roles)

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached


class RoleGrant(models.Model):
    """A role held by a user."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(max_length=30, choices=Role.choices, verbose_name=_("role"))
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("granted at"))

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}"


class BreakGlassGrant(models.Model):
    """Time-limited access to one record outside a user's routine scope, given a stated reason."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="break_glass_grants", verbose_name=_("user")
    )
    action = models.CharField(max_length=40, verbose_name=_("access"))
    object_type = models.CharField(max_length=80, verbose_name=_("record type"))
    object_id = models.CharField(max_length=64, verbose_name=_("record"))
    reason = models.TextField(verbose_name=_("reason"))
    granted_at = models.DateTimeField(verbose_name=_("granted at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    reviewed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        indexes = [models.Index(fields=["user", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.object_type}:{self.object_id}"
