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
