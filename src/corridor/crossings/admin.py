from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from corridor.admin_actions import service_action
from corridor.crossings import services
from corridor.crossings.models import (
    Batch,
    BatchMember,
    CoordinationEvent,
    Crossing,
    CrossingDay,
    Incident,
    Movement,
)


@admin.register(Crossing)
class CrossingAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "name_ar",
        "opens_at",
        "closes_at",
        "allows_out",
        "allows_in",
    ]


@admin.register(CrossingDay)
class CrossingDayAdmin(admin.ModelAdmin):
    list_display = ["crossing", "date", "status", "quota_out", "quota_in", "quota_source"]
    list_filter = ["crossing", "status"]
    date_hierarchy = "date"


class MemberInline(admin.TabularInline):
    model = BatchMember
    extra = 0
    can_delete = False
    raw_id_fields = ["person", "case", "companion", "return_registration"]
    readonly_fields = [
        "clearance",
        "clearance_party",
        "clearance_at",
        "needs_reconfirmation",
        "checked_in_at",
        "outcome",
        "outcome_at",
        "active",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(admin.TabularInline):
    model = CoordinationEvent
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "crossing", "direction", "planned_date", "status"]
    list_filter = ["crossing", "direction", "kind", "status"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "planned_date",
        "first_planned_date",
        "created_at",
    ]
    inlines = [MemberInline, EventInline]
    actions = [
        service_action(services.depart_batch, _("Mark departed")),
        service_action(services.close_batch, _("Close batch")),
    ]


@admin.register(CoordinationEvent)
class CoordinationEventAdmin(admin.ModelAdmin):
    list_display = ["batch", "kind", "party", "relayed_by", "reason_text", "at"]
    list_filter = ["kind", "party"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["date", "crossing", "direction", "outcome", "batch"]
    list_filter = ["crossing", "direction", "outcome"]
    date_hierarchy = "date"
    raw_id_fields = ["person", "batch"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "crossing", "kind"]
    list_filter = ["crossing", "kind"]
    raw_id_fields = ["people"]
