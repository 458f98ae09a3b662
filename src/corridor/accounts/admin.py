from allauth.mfa import admin as _allauth_mfa_admin  # noqa: F401  (registers what is replaced below)
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from corridor.accounts import services
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
        (_("Security"), {"fields": ("mfa_exempt",)}),
    )
    readonly_fields = ["mfa_exempt"]
    actions = ["sign_out_everywhere", "reset_two_factor"]

    @admin.action(description=_("Sign the selected users out everywhere"))
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            services.logout_everywhere(user, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d user signed out on every device.",
                "%(count)d users signed out on every device.",
                len(users),
            )
            % {"count": len(users)},
        )

    @admin.action(description=_("Reset two-factor authentication of the selected users"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            services.reset_two_factor(user, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication reset for %(count)d user: they set it up again at "
                "their next sign-in.",
                "Two-factor authentication reset for %(count)d users: they set it up again at "
                "their next sign-in.",
                len(users),
            )
            % {"count": len(users)},
        )


# allauth's own admin would show authenticator secrets to administrators: list them, no more.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
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
