"""Leads, sites, properties and units: rows in, domain models out."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from pydantic import TypeAdapter

from leaselab_desktop.domain.listing import (
    LEAD_LIST,
    OVERRIDDEN_SQL,
    RECOMMENDATION_SQL,
    LeadRows,
    ListField,
    epoch_seconds,
    place_text,
)
from leaselab_desktop.domain.models import Lead, LeadPage, LeadQuery, NewLead, Property, Unit
from leaselab_desktop.domain.timefmt import edge_times, format_timestamp, utcnow

_LEAD_SELECT = f"""
SELECT l.*, p.name AS property_name, u.name AS unit_name, u.monthly_rent AS monthly_rent,
       COALESCE(u.is_occupied, 0) AS is_unit_occupied,
       NULLIF({RECOMMENDATION_SQL}, '') AS ai_recommendation, {OVERRIDDEN_SQL} AS ai_overridden
FROM leads l
JOIN properties p ON p.id = l.property_id
LEFT JOIN units u ON u.id = l.unit_id
"""

# Whitelisted sort columns: the query string never reaches SQL.
_SORTS = {
    "aiScore": "l.ai_score IS NULL, l.ai_score {dir}, l.updated_at DESC",
    "updatedAt": "l.updated_at {dir}",
    "createdAt": "l.created_at {dir}",
    "name": "l.last_name COLLATE NOCASE {dir}, l.first_name COLLATE NOCASE {dir}",
}


def now_iso() -> str:
    return format_timestamp(utcnow()) or ""


_LEAD_LIST = TypeAdapter(list[Lead])


def lead_from_row(row: sqlite3.Row) -> Lead:
    data = dict(row)
    data["is_active"] = bool(data.get("is_active", 1))
    data["is_unit_occupied"] = bool(data.get("is_unit_occupied", 0))
    return Lead.model_validate(edge_times(Lead, data))  # SQLite's timestamp text is read here


def get_lead(conn: sqlite3.Connection, site_id: str, lead_id: str) -> Lead | None:
    row = conn.execute(_LEAD_SELECT + " WHERE l.site_id = ? AND l.id = ?", (site_id, lead_id)).fetchone()
    return lead_from_row(row) if row else None


def _filters(query: LeadQuery, site_id: str) -> tuple[list[str], list[Any]]:
    """WHERE terms and their arguments for a query's filters (values are always bound)."""
    where = ["l.site_id = ?", "l.is_active = 1"]
    args: list[Any] = [site_id]
    if query.status:
        where.append("l.status = ?")
        args.append(query.status)
    if query.property_id:
        where.append("l.property_id = ?")
        args.append(query.property_id)
    if query.label:
        where.append("l.ai_label = ?")
        args.append(query.label)
    q = (query.q or "").replace("\x00", "").strip()  # SQLite's LIKE stops at NUL
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(l.first_name || ' ' || l.last_name LIKE ? ESCAPE '\\' OR l.email LIKE ? ESCAPE '\\')"
        )
        args += [like, like]
    return where, args


def list_leads(conn: sqlite3.Connection, site_id: str, query: LeadQuery) -> LeadPage:
    where, args = _filters(query, site_id)
    order = _SORTS[query.sort_by].format(dir="ASC" if query.sort_order == "asc" else "DESC")
    offset = int(query.cursor) if query.cursor and query.cursor.isdigit() else 0
    sql = f"{_LEAD_SELECT} WHERE {' AND '.join(where)} ORDER BY {order}, l.id LIMIT ? OFFSET ?"
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: 100k-lead lists are validated in one batch below
    rows = cur.execute(sql, [*args, query.limit + 1, offset]).fetchall()
    names = [d[0] for d in cur.description]
    more = len(rows) > query.limit
    page = [edge_times(Lead, dict(zip(names, r, strict=True))) for r in rows[: query.limit]]
    items = _LEAD_LIST.validate_python(page)
    return LeadPage(items=items, next_cursor=str(offset + query.limit) if more else None)


# The page query is built from LEAD_LIST. Only the listed columns (all in idx_leads_list, so SQLite
# never reads the wide table rows), cleaned up in SQL. Time stamps become epoch seconds rounded to
# the millisecond; a value SQLite cannot read is passed on raw (raw_<name>) for Python to try.
_SQL_FIELDS = tuple(f for f in LEAD_LIST if f.sql is not None)
_EPOCHS = tuple(i for i, f in enumerate(_SQL_FIELDS) if f.type == "epoch")


def _select_term(f: ListField) -> str:
    if f.type != "epoch":
        return f"{f.sql} AS {f.name}"
    return (f"ROUND((julianday({f.sql}) - 2440587.5) * 86400000.0) / 1000.0 AS {f.name}, "
            f"CASE WHEN julianday({f.sql}) IS NULL THEN {f.sql} END AS raw_{f.name}")


_ROWS_SELECT = f"SELECT {', '.join(map(_select_term, _SQL_FIELDS))} FROM leads l"
# A page as one row of joined columns: SQLite builds a string per column while the GIL is free and
# Python splits them, instead of materialising (and the cyclic GC walking) a tuple per lead.
_SEP = "\x1f"
_PACKED = "SELECT count(*), max(ids), {columns}, {raw} FROM ({{inner}})".format(
    columns=", ".join(
        f"group_concat({f.name if f.type == 'text' else f'COALESCE({f.name}, {chr(39) * 2})'}, char(31))"
        for f in _SQL_FIELDS
    ),
    raw=" + ".join(f"count(raw_{_SQL_FIELDS[i].name})" for i in _EPOCHS) or "0",
)
_KEYSET = "id:"  # list_lead_rows cursors: the last id of the previous page


def _parse(f: ListField, texts: list[str]) -> list[Any]:
    if f.type == "int":
        return [int(v) if v else None for v in texts]
    if f.type == "bool":
        return [v not in ("", "0") for v in texts]
    if f.type == "epoch":
        return [float(v) if v else None for v in texts]
    return list(map(str.strip, texts)) if f.strip else texts


def _read_page(conn: sqlite3.Connection, inner: str, params: list[Any]) -> tuple[int, str, list[list[Any]]]:
    """The page's columns (one list per SQL field of LEAD_LIST), its length and its last id."""
    packed = conn.execute(_PACKED.format(inner=inner), params).fetchone()
    count, last, n = packed[0], packed[1], len(_SQL_FIELDS)
    texts: list[list[str]] = [(text or "").split(_SEP) if count else [] for text in packed[2:2 + n]]
    if not packed[2 + n] and all(len(c) == count for c in texts):
        return count, last, [_parse(f, c) for f, c in zip(_SQL_FIELDS, texts, strict=True)]
    # a timestamp SQLite cannot read, or a value holding the separator: read row by row
    rows = conn.execute(inner, params).fetchall()
    width = n + len(_EPOCHS)
    flat = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    cols: list[list[Any]] = []
    at = 0
    for f in _SQL_FIELDS:
        col = flat[at]
        at += 1
        if f.type == "epoch":
            raw = flat[at]
            at += 1
            col = [s if v is None else epoch_seconds(v) for s, v in zip(col, raw, strict=True)]
        elif f.strip:
            col = [v.strip() for v in col]
        elif f.type == "bool":
            col = [bool(v) for v in col]
        cols.append(col)
    return count, last, cols


def list_lead_rows(conn: sqlite3.Connection, site_id: str, query: LeadQuery) -> LeadRows:
    """The leads matching ``query``'s filters as columns, in id order (``sort_by`` is ignored: lists
    sort locally), paged by id so every page is one range read of idx_leads_list."""
    where, args = _filters(query, site_id)
    after = query.cursor[len(_KEYSET):] if query.cursor and query.cursor.startswith(_KEYSET) else ""
    inner = f"{_ROWS_SELECT} WHERE {' AND '.join(where)} AND l.id > ? ORDER BY l.id LIMIT ?"
    params = [*args, after, query.limit]
    count, last, cols = _read_page(conn, inner, params)
    more = count == query.limit and conn.execute(
        f"SELECT 1 FROM leads l WHERE {' AND '.join(where)} AND l.id > ? LIMIT 1", [*args, last]
    ).fetchone() is not None
    out = LeadRows(dict(zip((f.name for f in _SQL_FIELDS), cols, strict=True)),
                   next_cursor=_KEYSET + last if more else None)
    prop_names = dict(conn.execute("SELECT id, name FROM properties WHERE site_id = ?", (site_id,)).fetchall())
    unit_names = dict(conn.execute("SELECT id, name FROM units WHERE site_id = ?", (site_id,)).fetchall())
    pairs = list(zip(out.property_ids, out.unit_ids, strict=True))
    places = {pair: place_text(prop_names.get(pair[0]) or pair[0], unit_names.get(pair[1]) or pair[1])
              for pair in set(pairs)}
    out.values["places"] = list(map(places.__getitem__, pairs))
    out.properties = {pid: prop_names.get(pid) or pid for pid, _unit in places if pid}
    return out


def insert_lead(conn: sqlite3.Connection, site_id: str, new: NewLead, lead_id: str | None = None) -> str:
    lead_id = lead_id or f"lead_{uuid.uuid4().hex[:12]}"
    data = new.model_dump(mode="json")
    ts = now_iso()
    conn.execute(
        """INSERT INTO leads (id, site_id, property_id, unit_id, first_name, last_name, email, phone,
             current_address, employment_status, employer, employment_start_date, monthly_income,
             move_in_date, message, status, created_at, updated_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'new',?,?)""",
        (
            lead_id, site_id, data["property_id"], data["unit_id"], data["first_name"],
            data["last_name"], data["email"], data["phone"], data["current_address"],
            data["employment_status"], data["employer"], data["employment_start_date"],
            data["monthly_income"], data["move_in_date"], data["message"], ts, ts,
        ),
    )
    add_history(conn, site_id, lead_id, "created", {"source": "intake"})
    return lead_id


def add_history(
    conn: sqlite3.Connection, site_id: str, lead_id: str, action: str, detail: dict[str, Any],
    user_id: str | None = None,
) -> None:
    import json

    conn.execute(
        "INSERT INTO lead_history (lead_id, site_id, action, detail, user_id, created_at) VALUES (?,?,?,?,?,?)",
        (lead_id, site_id, action, json.dumps(detail), user_id, now_iso()),
    )


def list_properties(conn: sqlite3.Connection, site_id: str) -> list[Property]:
    rows = conn.execute("SELECT * FROM properties WHERE site_id = ? ORDER BY name", (site_id,))
    return [Property.model_validate(dict(r)) for r in rows]


def list_units(conn: sqlite3.Connection, site_id: str, property_id: str) -> list[Unit]:
    rows = conn.execute(
        "SELECT * FROM units WHERE site_id = ? AND property_id = ? ORDER BY name", (site_id, property_id)
    )
    return [Unit.model_validate(dict(r)) for r in rows]


def site_tier(conn: sqlite3.Connection, site_id: str) -> tuple[str, str]:
    row = conn.execute("SELECT tier, policy_profile FROM sites WHERE id = ?", (site_id,)).fetchone()
    if row is None:
        return "free", "default"
    return str(row[0]), str(row[1])


def lead_region(conn: sqlite3.Connection, site_id: str, lead_id: str) -> str | None:
    """The province/state of the property a lead applies for (it decides the policy profile)."""
    row = conn.execute(
        "SELECT p.province FROM leads l JOIN properties p ON p.id = l.property_id "
        "WHERE l.site_id = ? AND l.id = ?", (site_id, lead_id),
    ).fetchone()
    return str(row[0]) if row and row[0] else None
