"""Leads, sites, properties and units: rows in, domain models out."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from pydantic import TypeAdapter

from leaselab_desktop.domain.listing import LeadRows, epoch_seconds, place_text
from leaselab_desktop.domain.models import Lead, LeadPage, LeadQuery, NewLead, Property, Unit
from leaselab_desktop.domain.timefmt import format_timestamp, utcnow

_LEAD_SELECT = """
SELECT l.*, p.name AS property_name, u.name AS unit_name, u.monthly_rent AS monthly_rent,
       COALESCE(u.is_occupied, 0) AS is_unit_occupied
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
    return Lead.model_validate(data)


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
    items = _LEAD_LIST.validate_python([dict(zip(names, r, strict=True)) for r in rows[: query.limit]])
    return LeadPage(items=items, next_cursor=str(offset + query.limit) if more else None)


# Only the listed columns (all in idx_leads_list, so SQLite never reads the wide table rows), cleaned
# up in SQL. Time stamps become epoch seconds rounded to the millisecond; a value SQLite cannot read
# is passed on raw for Python to try.
_ROWS_SELECT = """
SELECT l.id AS id, COALESCE(l.first_name, '') || ' ' || COALESCE(l.last_name, '') AS name,
       COALESCE(l.email, '') AS email, COALESCE(l.property_id, '') AS pid, COALESCE(l.unit_id, '') AS uid,
       COALESCE(l.status, '') AS status,
       CASE typeof(l.ai_score) WHEN 'integer' THEN l.ai_score
                               WHEN 'real' THEN CAST(ROUND(l.ai_score) AS INTEGER) END AS score,
       COALESCE(l.ai_label, '') AS label,
       ROUND((julianday(COALESCE(l.updated_at, l.created_at)) - 2440587.5) * 86400000.0) / 1000.0 AS stamp,
       CASE WHEN julianday(COALESCE(l.updated_at, l.created_at)) IS NULL
            THEN COALESCE(l.updated_at, l.created_at) END AS raw_stamp
FROM leads l
"""
# A page as one row of joined columns: SQLite builds ten strings while the GIL is free and Python
# splits them, instead of materialising (and the cyclic GC walking) a tuple per lead.
_SEP = "\x1f"
_PACKED = """
SELECT count(*), max(id), group_concat(id, char(31)), group_concat(name, char(31)),
       group_concat(email, char(31)), group_concat(pid, char(31)), group_concat(uid, char(31)),
       group_concat(status, char(31)), group_concat(COALESCE(score, ''), char(31)),
       group_concat(label, char(31)), group_concat(COALESCE(stamp, ''), char(31)),
       count(raw_stamp)
FROM ({inner})
"""
_KEYSET = "id:"  # list_lead_rows cursors: the last id of the previous page


def list_lead_rows(conn: sqlite3.Connection, site_id: str, query: LeadQuery) -> LeadRows:
    """The leads matching ``query``'s filters as columns, in id order (``sort_by`` is ignored: lists
    sort locally), paged by id so every page is one range read of idx_leads_list."""
    where, args = _filters(query, site_id)
    after = query.cursor[len(_KEYSET):] if query.cursor and query.cursor.startswith(_KEYSET) else ""
    inner = f"{_ROWS_SELECT} WHERE {' AND '.join(where)} AND l.id > ? ORDER BY l.id LIMIT ?"
    params = [*args, after, query.limit]
    packed = conn.execute(_PACKED.format(inner=inner), params).fetchone()
    count, last = packed[0], packed[1]
    cols: list[list[Any]] = [(text or "").split(_SEP) if count else [] for text in packed[2:11]]
    if packed[11] or any(len(c) != count for c in cols):
        # a timestamp SQLite cannot read, or a value holding the separator: read row by row
        rows = conn.execute(inner, params).fetchall()
        cols = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(10)]
        raw = cols.pop()
        cols[8] = [s if v is None else epoch_seconds(v) for s, v in zip(cols[8], raw, strict=True)]
    else:
        cols[6] = [int(v) if v else None for v in cols[6]]
        cols[8] = [float(v) if v else None for v in cols[8]]
    more = count == query.limit and conn.execute(
        f"SELECT 1 FROM leads l WHERE {' AND '.join(where)} AND l.id > ? LIMIT 1", [*args, last]
    ).fetchone() is not None
    out = LeadRows(next_cursor=_KEYSET + last if more else None)
    out.ids, out.emails, out.property_ids, unit_ids = cols[0], cols[2], cols[3], cols[4]
    out.names = list(map(str.strip, cols[1]))  # as Lead.full_name (SQLite's TRIM strips spaces only)
    out.statuses, out.scores, out.labels, out.stamps = cols[5:9]
    prop_names = dict(conn.execute("SELECT id, name FROM properties WHERE site_id = ?", (site_id,)).fetchall())
    unit_names = dict(conn.execute("SELECT id, name FROM units WHERE site_id = ?", (site_id,)).fetchall())
    pairs = list(zip(out.property_ids, unit_ids, strict=True))
    places = {pair: place_text(prop_names.get(pair[0]) or pair[0], unit_names.get(pair[1]) or pair[1])
              for pair in set(pairs)}
    out.places = list(map(places.__getitem__, pairs))
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
