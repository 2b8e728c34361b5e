"""Lead rows for lists: only what a lead list shows, column by column.

A 100,000-lead list built from ``Lead`` models spends most of its time creating and validating
objects nobody looks at (phone, address, message...). ``LeadRows`` carries the listed fields as
parallel lists instead; the local store fills it straight from SQL, other backends convert the
``Lead`` models they already have (``LeadRows.from_leads``). Qt-free: the GUI adapts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.domain.timefmt import parse_timestamp


def place_text(property_name: str, unit_name: str) -> str:
    """'Maple Court · 2B', or whichever of the two is known."""
    return f"{property_name} · {unit_name}" if property_name and unit_name else property_name or unit_name


def epoch_seconds(value: object) -> float | None:
    """A stored timestamp (ISO-8601 with 'Z', SQLite's 'YYYY-MM-DD HH:MM:SS' in UTC, epoch numbers)
    as epoch seconds; None when missing or unreadable (a damaged value must not hide the lead)."""
    try:
        when = parse_timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return when.timestamp() if when is not None else None


@dataclass(slots=True)
class LeadRows:
    """Parallel columns, one entry per lead, plus the cursor of the next page.

    ``labels`` holds "" for leads never evaluated; ``stamps`` the updated (else created) time as
    epoch seconds; ``properties`` maps the listed property ids to their names."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    property_ids: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    scores: list[int | None] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    stamps: list[float | None] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    next_cursor: str | None = None
    notice: str | None = None  # LeadPage.notice
    capped: bool = False  # LeadPage.capped

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_leads(cls, leads: Iterable[Lead], next_cursor: str | None = None) -> LeadRows:
        rows = cls(next_cursor=next_cursor)
        for lead in leads:
            when = lead.updated_at or lead.created_at
            pid = lead.property_id or ""
            rows.ids.append(lead.id)
            rows.names.append(lead.full_name)
            rows.emails.append(lead.email)
            rows.property_ids.append(pid)
            rows.places.append(place_text(lead.property_name or pid, lead.unit_name or lead.unit_id or ""))
            rows.statuses.append(lead.status)
            rows.scores.append(lead.ai_score)
            rows.labels.append(lead.ai_label or "")
            rows.stamps.append(when.timestamp() if when is not None else None)
            if pid and pid not in rows.properties:
                rows.properties[pid] = lead.property_name or pid
        return rows

    def slice(self, start: int, stop: int) -> LeadRows:
        """Rows ``start:stop`` (for merging a big page in chunks)."""
        cut = slice(start, stop)
        return LeadRows(
            self.ids[cut], self.names[cut], self.emails[cut], self.property_ids[cut], self.places[cut],
            self.statuses[cut], self.scores[cut], self.labels[cut], self.stamps[cut], self.properties,
            None,
        )

    def row(self, i: int) -> tuple[object, ...]:
        """One lead's values in field order (tests and debugging)."""
        return tuple(getattr(self, name)[i] for name in _COLUMNS)


_COLUMNS: Sequence[str] = ("ids", "names", "emails", "property_ids", "places", "statuses", "scores",
                           "labels", "stamps")
