from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from corridor.accounts.models import Facility, Party, RoleGrant, User


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ar", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ar"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ar", "kind", "party", "locality"]
    list_filter = ["kind", "party"]
    search_fields = ["code", "name_en", "name_ar"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "party", "is_active", "last_login"]
    list_filter = ["party", "is_active", "role_grants__role"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Corridor"), {"fields": ("party", "facility", "preferred_language")}),
    )
