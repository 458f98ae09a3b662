from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from corridor.accounts import policy
from corridor.api.main import api
from corridor.web.preferences import set_language
from corridor.web.views import healthz

admin.site.has_permission = policy.admin_has_permission  # type: ignore[method-assign]
# One way in, with two-factor authentication: the admin's own sign-in form sends to allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("corridor.accounts.security_urls")),
    path("cases/", include("corridor.cases.urls")),
    path("crossing/", include("corridor.crossings.urls")),
    path("plans/", include("corridor.plans.urls")),
    path("returns/", include("corridor.returns.urls")),
    path("imports/", include("corridor.interop.urls")),
    path("audit/", include("corridor.audit.urls")),
    path("api/v1/", api.urls),
    path("access/", include("corridor.accounts.urls")),
    path("", include("corridor.web.urls")),
]
