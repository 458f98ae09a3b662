from allauth.mfa import admin as _allauth_mfa_admin  # noqa: F401  (registers what is replaced below)
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from corridor.accounts import services
from corridor.accounts.models import Facility, Party, RoleGrant, User
from corridor.admin_actions import AuditedAdminMixin, CorridorAdmin, service_action


@admin.register(Party)
class PartyAdmin(CorridorAdmin):
    list_display = ["code", "name_en", "name_ar", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ar"]


@admin.register(Facility)
class FacilityAdmin(CorridorAdmin):
    list_display = ["code", "name_en", "name_ar", "kind", "party", "locality"]
    list_filter = ["kind", "party"]
    search_fields = ["code", "name_en", "name_ar"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ["username", "party", "is_active", "last_login"]
    list_filter = ["party", "is_active", "role_grants__role"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Corridor"), {"fields": ("party", "facility", "preferred_language")}),
        (_("Security"), {"fields": ("mfa_exempt",)}),
    )
    readonly_fields = ["mfa_exempt"]
    actions = [
        service_action(services.logout_everywhere, _("Sign the selected users out everywhere")),
        service_action(
            services.reset_two_factor, _("Reset two-factor authentication of the selected users")
        ),
    ]


# allauth's own admin would show authenticator secrets to administrators: list them, no more.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(CorridorAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__username"]
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
