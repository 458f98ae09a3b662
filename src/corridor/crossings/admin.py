from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from corridor.admin_actions import CorridorAdmin, RecordAdmin, service_action
from corridor.crossings import services
from corridor.crossings.models import (
    Batch,
    BatchMember,
    CoordinationEvent,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
    Incident,
    IncidentReview,
    Movement,
)


@admin.register(Crossing)
class CrossingAdmin(CorridorAdmin):
    list_display = [
        "code",
        "name_en",
        "name_ar",
        "opens_at",
        "closes_at",
        "allows_out",
        "allows_in",
    ]


class CrossingDayForm(forms.ModelForm):
    """A quota may change, but never below the seats already confirmed for that day."""

    class Meta:
        model = CrossingDay
        fields = [
            "crossing",
            "date",
            "status",
            "quota_out",
            "quota_in",
            "agreed_quota_out",
            "agreed_quota_in",
            "quota_source",
            "companions_count_in_quota",
            "notes",
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        day = self.instance
        if day.pk is None:
            return data
        for direction, field in ((Direction.OUT, "quota_out"), (Direction.IN, "quota_in")):
            taken = services.seats_taken(day.crossing, day.date, direction)
            quota = data.get(field)
            if isinstance(quota, int) and quota < taken:
                self.add_error(
                    field,
                    _(
                        "%(taken)s people are already confirmed for this day; "
                        "the quota cannot be lower."
                    )
                    % {"taken": taken},
                )
        if data.get("status") == DayStatus.CLOSED and any(
            services.seats_taken(day.crossing, day.date, d) for d in (Direction.OUT, Direction.IN)
        ):
            self.add_error(
                "status",
                _("Batches are confirmed for this day: postpone or cancel them before closing it."),
            )
        return data


@admin.register(CrossingDay)
class CrossingDayAdmin(CorridorAdmin):
    form = CrossingDayForm
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
class BatchAdmin(CorridorAdmin):
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
class CoordinationEventAdmin(RecordAdmin):
    list_display = ["batch", "kind", "party", "relayed_by", "reason_text", "at"]
    list_filter = ["kind", "party"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Movement)
class MovementAdmin(RecordAdmin):
    list_display = ["date", "crossing", "direction", "outcome", "batch"]
    list_filter = ["crossing", "direction", "outcome"]
    date_hierarchy = "date"
    raw_id_fields = ["person", "batch"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    # The narrative is the most sensitive text Corridor keeps: never shown in the admin.
    exclude = ["narrative"]
    list_display = ["occurred_on", "crossing", "kind", "severity", "status"]
    list_filter = ["crossing", "kind", "severity", "status"]
    raw_id_fields = ["people"]


@admin.register(IncidentReview)
class IncidentReviewAdmin(RecordAdmin):
    # Review notes speak of the incident: as private as its narrative.
    exclude = ["note"]
    list_display = ["incident", "from_status", "to_status", "at"]
