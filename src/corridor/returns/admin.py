from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from corridor.admin_actions import CorridorAdmin, RecordAdmin, service_action
from corridor.returns import services
from corridor.returns.models import EligibilityRule, ReturnCall, ReturnRegistration


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(CorridorAdmin):
    list_display = ["code", "name_en", "residence_territory", "left_on_or_after", "active"]


@admin.register(ReturnRegistration)
class ReturnRegistrationAdmin(CorridorAdmin):
    list_display = ["person", "registered_with", "departure_date", "status", "eligibility_reason"]
    list_filter = ["status", "registered_with"]
    raw_id_fields = ["person", "household_members"]
    readonly_fields = ["status", "status_changed_at", "eligibility_rule", "eligibility_reason"]
    actions = [service_action(services.decide_eligibility, _("Decide eligibility"))]


@admin.register(ReturnCall)
class ReturnCallAdmin(RecordAdmin):
    list_display = ["registration", "called_at", "outcome", "called_by"]
    list_filter = ["outcome"]
    raw_id_fields = ["registration", "batch"]
