"""The user's own account security: signing out on every device at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.accounts import policy
from corridor.accounts.models import User
from corridor.accounts.services import logout_everywhere


@require_POST
@policy.requires(policy.ACCOUNT_SELF)
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    """End every session of the signed-in user, this one included."""
    user = request.user
    assert isinstance(user, User)
    logout_everywhere(user, actor=user)
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("account_login")
