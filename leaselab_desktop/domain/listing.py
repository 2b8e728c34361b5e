"""Lead rows for lists: only what a lead list shows, column by column, and the one spec of it.

A 100,000-lead list built from ``Lead`` models spends most of its time creating and validating
objects nobody looks at (phone, address, message...). ``LeadRows`` carries the listed fields as
parallel lists instead; the local store fills it straight from SQL, other backends convert the
``Lead`` models they already have (``LeadRows.from_leads``). Qt-free: the GUI adapts it.

``LEAD_LIST`` is the only place the list's fields and columns are defined: the store's packed
page query, ``LeadRows``, and the Qt model, header and table painter all read it. To add a column,
add one ``ListField`` with a ``Shown`` (and, for the local store, make sure ``idx_leads_list``
covers what its ``sql`` reads, or the page query reads the wide table rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

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


FieldType = Literal["text", "int", "bool", "epoch"]
SortKind = Literal["name", "number", "text", "text_empty_last"]
Align = Literal["left", "right", "center"]
# How the GUI shows a value: "text" as is, "number" ("" when missing), "status" (readable, with the
# batch state), "label" (a badge), "time" (a short local date), "flag" (``mark`` when true),
# "recommendation" (the card's words for it, marked when an agent overrode it).
Format = Literal["text", "number", "status", "label", "time", "flag", "recommendation"]


@dataclass(frozen=True, slots=True)
class Shown:
    """How a field is shown as a column of the lead table."""

    key: str  # the column's name (``Column.SCORE`` in the GUI is the position of key "score")
    title: str
    sort: SortKind  # "number": missing values last both ways; "text_empty_last": "" last both ways
    format: Format = "text"
    align: Align = "left"
    width_sample: str | None = None  # initial width fits this text; None: the column stretches
    mark: str = "●"  # "flag" columns: shown when the value is true (read out as the title)


@dataclass(frozen=True, slots=True)
class ListField:
    """One value the list carries per lead: a ``LeadRows`` column (and perhaps a table column).

    ``sql`` reads it from ``leads l`` (None: derived in Python after the page is read): never NULL
    for "text"; 0/1 for "bool"; for "epoch" the timestamp text, turned into epoch seconds by the store."""

    name: str
    sql: str | None
    type: FieldType
    of_lead: Callable[[Lead], Any]  # the same value from a ``Lead`` model (server backends)
    strip: bool = False  # strip whitespace in Python (SQLite's TRIM strips spaces only)
    repeats: bool = False  # few distinct values: the GUI shares one string per value
    shown: Shown | None = None


def _place(lead: Lead) -> str:
    return place_text(lead.property_name or lead.property_id or "", lead.unit_name or lead.unit_id or "")


def _stamp(lead: Lead) -> float | None:
    when = lead.updated_at or lead.created_at
    return when.timestamp() if when is not None else None


# The final decision, as the result card shows it: the latest evaluation's recommendation, unless
# an override of that evaluation exists, then the latest override's. Both lookups are index seeks
# (idx_evaluations_lead, idx_overrides_evaluation); a re-evaluation starts without an override.
_LATEST_EVALUATION = ("SELECT e.id FROM lead_ai_evaluations e WHERE e.lead_id = l.id "
                      "ORDER BY e.evaluated_at DESC, e.rowid DESC LIMIT 1")
RECOMMENDATION_SQL = (
    "COALESCE((SELECT COALESCE((SELECT o.to_recommendation FROM evaluation_overrides o "
    "WHERE o.evaluation_id = e.id ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1), e.recommendation) "
    "FROM lead_ai_evaluations e WHERE e.lead_id = l.id ORDER BY e.evaluated_at DESC, e.rowid DESC LIMIT 1), '')"
)
OVERRIDDEN_SQL = f"EXISTS (SELECT 1 FROM evaluation_overrides o WHERE o.evaluation_id = ({_LATEST_EVALUATION}))"


# Columns in reading order: the decision (label, recommendation, score) right after the name, so it
# stays in view when the list pane is narrow (1024 px wide screens).
LEAD_LIST: tuple[ListField, ...] = (
    ListField("ids", "l.id", "text", lambda lead: lead.id),
    ListField("names", "COALESCE(l.first_name, '') || ' ' || COALESCE(l.last_name, '')", "text",
              lambda lead: lead.full_name, strip=True,
              shown=Shown("name", "Name", "name", width_sample="Marc-André Lévesque")),
    ListField("labels", "COALESCE(l.ai_label, '')", "text", lambda lead: lead.ai_label or "", repeats=True,
              shown=Shown("label", "Label", "text_empty_last", "label", "center", width_sample="Label ▼")),
    ListField("recommendations", RECOMMENDATION_SQL, "text", lambda lead: lead.ai_recommendation or "",
              repeats=True,
              shown=Shown("recommendation", "Recommendation", "text_empty_last", "recommendation",
                          width_sample="Approve with verification")),
    ListField("overridden", OVERRIDDEN_SQL, "bool", lambda lead: bool(lead.ai_overridden)),
    ListField("scores", "CASE typeof(l.ai_score) WHEN 'integer' THEN l.ai_score "
                        "WHEN 'real' THEN CAST(ROUND(l.ai_score) AS INTEGER) END", "int",
              lambda lead: lead.ai_score,
              shown=Shown("score", "AI score", "number", "number", "right", width_sample="AI score ▼")),
    ListField("statuses", "COALESCE(l.status, '')", "text", lambda lead: lead.status, repeats=True,
              shown=Shown("status", "Status", "text", "status", width_sample="Documents received")),
    ListField("emails", "COALESCE(l.email, '')", "text", lambda lead: lead.email),
    ListField("property_ids", "COALESCE(l.property_id, '')", "text", lambda lead: lead.property_id or "",
              repeats=True),
    ListField("unit_ids", "COALESCE(l.unit_id, '')", "text", lambda lead: lead.unit_id or "", repeats=True),
    ListField("places", None, "text", _place, repeats=True,
              shown=Shown("place", "Property / unit", "text")),
    ListField("stamps", "COALESCE(l.updated_at, l.created_at)", "epoch", _stamp,
              shown=Shown("updated", "Updated", "number", "time", width_sample="Nov 25, 2026, 10:35 PM")),
)


def shown_columns(fields: Iterable[ListField] | None = None) -> list[tuple[Shown, str]]:
    """The table's columns in order: each one's ``Shown`` and the field (``LeadRows`` column) it shows."""
    return [(f.shown, f.name) for f in fields or LEAD_LIST if f.shown is not None]


class LeadRows:
    """Parallel columns, one entry per lead (``rows.scores[i]``; the names are ``LEAD_LIST``'s), plus
    the cursor of the next page.

    ``labels`` holds "" for leads never evaluated; ``recommendations`` "" when unknown (never
    evaluated, or a server that does not send it) and ``overridden`` whether an agent changed it;
    ``stamps`` the updated (else created) time as epoch seconds; ``properties`` maps the listed
    property ids to their names."""

    __slots__ = ("capped", "fields", "next_cursor", "notice", "properties", "values")

    def __init__(
        self, values: dict[str, list[Any]] | None = None, properties: dict[str, str] | None = None,
        next_cursor: str | None = None, fields: tuple[ListField, ...] | None = None,
    ) -> None:
        fields = self.fields = fields or LEAD_LIST  # read when called: the spec may be extended
        self.values: dict[str, list[Any]] = values if values is not None else {f.name: [] for f in fields}
        self.properties: dict[str, str] = properties if properties is not None else {}
        self.next_cursor = next_cursor
        self.notice: str | None = None  # LeadPage.notice
        self.capped = False  # LeadPage.capped

    def __getattr__(self, name: str) -> list[Any]:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return len(self.values["ids"])

    @classmethod
    def from_leads(
        cls, leads: Iterable[Lead], next_cursor: str | None = None, fields: tuple[ListField, ...] | None = None,
    ) -> LeadRows:
        leads = list(leads)
        fields = fields or LEAD_LIST
        rows = cls({f.name: list(map(f.of_lead, leads)) for f in fields}, next_cursor=next_cursor, fields=fields)
        for lead in leads:
            pid = lead.property_id or ""
            if pid and pid not in rows.properties:
                rows.properties[pid] = lead.property_name or pid
        return rows

    def slice(self, start: int, stop: int) -> LeadRows:
        """Rows ``start:stop`` (for merging a big page in chunks)."""
        cut = slice(start, stop)
        return LeadRows({k: v[cut] for k, v in self.values.items()}, self.properties, None, self.fields)

    def row(self, i: int) -> tuple[object, ...]:
        """One lead's values in field order (tests and debugging)."""
        return tuple(self.values[f.name][i] for f in self.fields)
