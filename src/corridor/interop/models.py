"""Saved column mappings: how each source's spreadsheet headers map to Corridor's fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CASES = "cases", _("Cases")
    RETURNS = "returns", _("Returns")


class ImportSource(models.Model):
    """A sender of lists (a hospital, an embassy desk) and the column mapping its files use."""

    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(max_length=10, choices=ImportKind.choices, verbose_name=_("kind"))
    # Normalised header -> field name, learnt from the source's last import and any --map.
    mapping = models.JSONField(default=dict, blank=True, verbose_name=_("column mapping"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="one_mapping_per_source_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ImportChannel(models.TextChoices):
    COMMAND = "command", _("command")
    WEB = "web", _("web page")
    API = "api", _("API")


class ImportRun(models.Model):
    """One import that wrote to Corridor: who brought which file in, how, and its report."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices, verbose_name=_("kind"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    source = models.CharField(max_length=100, blank=True, verbose_name=_("source"))
    channel = models.CharField(
        max_length=10, choices=ImportChannel.choices, verbose_name=_("channel")
    )
    imported_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    # The party that registered the returnees; for cases, the importing user's party.
    party = models.ForeignKey(
        "accounts.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party"),
    )
    imported_at = models.DateTimeField(verbose_name=_("imported at"))
    kept_valid_rows = models.BooleanField(
        default=False, verbose_name=_("valid rows kept despite rejected ones")
    )
    counts = models.JSONField(default=dict, verbose_name=_("counts"))
    # Rejected rows, warnings and duplicates by row and column, as the dry run showed them.
    report = models.JSONField(default=dict, verbose_name=_("report"))

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["kind", "party"], name="import_run_kind_party")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"
