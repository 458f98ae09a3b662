"""Signals other apps listen to, sent only after the change that caused them is committed."""

from django.dispatch import Signal

# Sent with `event` (a CoordinationEvent) when a batch is cancelled, suspended or postponed.
coordination_recorded = Signal()
