"""The one way a list page shows rows: columns with labels and rows of cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corridor.profiles import Profile


@dataclass(frozen=True)
class Table:
    headers: list[Any]
    rows: list[list[Any]]
    links: list[str | None]

    @property
    def rows_with_links(self) -> list[tuple[list[Any], str | None]]:
        return list(zip(self.rows, self.links, strict=True))


def profile_table(
    profile: Profile, rows: list[dict[str, Any]], links: list[str | None] | None = None
) -> Table:
    """A table of a profile's rows, cells in the profile's column order."""
    return Table(
        headers=[c.label for c in profile.columns],
        rows=[[c.display(row[c.key]) for c in profile.columns] for row in rows],
        links=links or [None] * len(rows),
    )
