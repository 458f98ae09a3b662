from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "corridor.plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from corridor.crossings.signals import coordination_recorded
        from corridor.plans.services import replan_after_coordination

        coordination_recorded.connect(replan_after_coordination, dispatch_uid="plans.replan")
