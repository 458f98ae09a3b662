"""Corridor: coordinates people through a restricted border crossing."""

__version__ = "0.1.0"
