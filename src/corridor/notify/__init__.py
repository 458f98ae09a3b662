"""Messages to people: queued when their crossing changes, delivered by a pluggable backend."""
