"""Admin actions that call services, so the admin never sets a status itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from corridor.audit import services as audit
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


class AuditedAdminMixin:
    """Admin for configuration: every save is on the audit chain, and nothing is deleted."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit.record(
                "admin.changed" if change else "admin.added",
                obj,
                actor=request.user,
                data={"fields": sorted(getattr(form, "changed_data", []))},
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            if formset.has_changed():
                audit.record(
                    "admin.changed",
                    form.instance,
                    actor=request.user,
                    data={"inline": formset.model._meta.label_lower},
                )


class CorridorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


class RecordAdmin(CorridorAdmin):
    """Records written by services only (events, movements): shown, never added or edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
