from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from corridor.admin_actions import CorridorAdmin, RecordAdmin, service_action
from corridor.cases import services
from corridor.cases.models import Case, Companion, DestinationOffer, UrgencyChange, UrgencyTier


@admin.register(UrgencyTier)
class UrgencyTierAdmin(CorridorAdmin):
    list_display = ["code", "name_en", "name_ar", "rank", "fhir_priority"]


class CompanionInline(admin.TabularInline):
    model = Companion
    fk_name = "case"
    extra = 0
    readonly_fields = ["status", "status_changed_at"]
    raw_id_fields = ["person", "replaces"]


class OfferInline(admin.TabularInline):
    model = DestinationOffer
    extra = 0
    readonly_fields = ["status", "answered_on"]


@admin.register(Case)
class CaseAdmin(CorridorAdmin):
    # Administrators see no clinical data by default.
    exclude = ["clinical_summary"]
    list_display = [
        "reference",
        "patient",
        "clinical_category",
        "urgency",
        "status",
        "referral_date",
    ]
    list_filter = ["status", "urgency", "clinical_category", "mobility"]
    search_fields = ["reference", "patient__national_id", "patient__name_latin"]
    raw_id_fields = ["patient", "referring_facility"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "status_reason",
        "urgency",
        "approved_at",
        "approved_by",
        "bump_count",
    ]
    inlines = [CompanionInline, OfferInline]
    actions = [
        service_action(services.start_review, _("Send to review")),
        service_action(services.mark_admitted, _("Mark admitted abroad")),
    ]


@admin.register(Companion)
class CompanionAdmin(CorridorAdmin):
    list_display = ["person", "case", "relationship", "is_guardian", "status"]
    list_filter = ["status", "relationship", "is_guardian"]
    raw_id_fields = ["case", "person", "replaces"]
    readonly_fields = ["status", "status_changed_at"]
    actions = [
        service_action(services.confirm_companion, _("Confirm companion")),
        service_action(services.withdraw_companion, _("Withdraw companion")),
    ]


@admin.register(DestinationOffer)
class DestinationOfferAdmin(CorridorAdmin):
    list_display = ["case", "receiving_party", "status", "offered_on", "answered_on"]
    list_filter = ["status", "receiving_party"]
    raw_id_fields = ["case"]
    readonly_fields = ["status", "answered_on"]
    actions = [
        service_action(services.accept_offer, _("Accept offer")),
        service_action(services.decline_offer, _("Decline offer")),
    ]


@admin.register(UrgencyChange)
class UrgencyChangeAdmin(RecordAdmin):
    list_display = ["case", "previous", "new", "changed_at", "changed_by"]
    raw_id_fields = ["case"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
