"""Signals other apps listen to, sent only after the change that caused them is committed."""

from django.dispatch import Signal

# Sent with `event` (a CoordinationEvent) when a batch is cancelled, suspended or postponed.
coordination_recorded = Signal()

# Sent with `member` (a BatchMember) when a person is put on a batch's list.
member_listed = Signal()

# Sent with `member` (a BatchMember) when a person is cleared to cross.
member_cleared = Signal()

# Sent with `registration` (a ReturnRegistration) when a cleared returnee is called.
returnee_called = Signal()
