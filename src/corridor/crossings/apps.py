from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrossingsConfig(AppConfig):
    name = "corridor.crossings"
    verbose_name = _("Crossings and batches")
