"""Domain exceptions whose messages a user can read."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the domain refused an operation; the message says which and why."""


class TransitionNotAllowed(DomainError):
    def __init__(self, what: str, current: str, target: str, allowed_from: Iterable[str] = ()):
        allowed = ", ".join(sorted(allowed_from))
        message = _("%(what)s cannot go from '%(current)s' to '%(target)s'") % {
            "what": what,
            "current": current,
            "target": target,
        }
        if allowed:
            message += _(" (only from: %(allowed)s)") % {"allowed": allowed}
        super().__init__(message)
        self.current = current
        self.target = target


class QuotaExceeded(DomainError):
    pass


class AlreadyOnActiveBatch(DomainError):
    pass


class NotCleared(DomainError):
    pass


class CrossingDayClosed(DomainError):
    pass


class CompanionLimitReached(DomainError):
    pass
