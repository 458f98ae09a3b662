"""Admin actions that call services, so the admin never sets a status itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from corridor.exceptions import DomainError


def service_action(
    service: Callable[..., Any], description: StrOrPromise, **kwargs: Any
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Any]], None]:
    """An admin action that calls `service(obj, actor=user, **kwargs)` for each selected row."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done = 0
        obj: Model
        for obj in queryset:
            try:
                service(obj, actor=request.user, **kwargs)
                done += 1
            except DomainError as exc:
                modeladmin.message_user(request, f"{obj}: {exc}", level=messages.ERROR)
        if done:
            modeladmin.message_user(request, f"{description}: {done}", level=messages.SUCCESS)

    action.__name__ = f"action_{service.__name__}"
    action.short_description = description  # type: ignore[attr-defined]
    return action
