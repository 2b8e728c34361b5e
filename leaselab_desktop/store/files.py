"""lead_files rows."""

from __future__ import annotations

import sqlite3

from leaselab_desktop.domain.models import LeadFile
from leaselab_desktop.domain.timefmt import edge_times


def _file(row: sqlite3.Row) -> LeadFile:
    return LeadFile.model_validate(edge_times(LeadFile, dict(row)))


def list_files(conn: sqlite3.Connection, site_id: str, lead_id: str) -> list[LeadFile]:
    rows = conn.execute(
        "SELECT * FROM lead_files WHERE site_id = ? AND lead_id = ? ORDER BY uploaded_at, id",
        (site_id, lead_id),
    )
    return [_file(r) for r in rows]


def get_file(conn: sqlite3.Connection, site_id: str, file_id: str) -> LeadFile | None:
    row = conn.execute("SELECT * FROM lead_files WHERE site_id = ? AND id = ?", (site_id, file_id)).fetchone()
    return _file(row) if row else None


def insert_file(conn: sqlite3.Connection, site_id: str, f: LeadFile) -> None:
    d = f.model_dump(mode="json")
    conn.execute(
        """INSERT INTO lead_files (id, lead_id, site_id, file_type, file_name, file_size, mime_type,
             r2_key, sha256, md5, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        (d["id"], d["lead_id"], site_id, d["file_type"], d["file_name"], d["file_size"],
         d["mime_type"], d["r2_key"], d["sha256"], d["md5"], d["uploaded_at"]),
    )


def other_leads_with_hashes(
    conn: sqlite3.Connection, site_id: str, lead_id: str, hashes: list[str]
) -> dict[str, list[str]]:
    """sha256 → other leads of the same site holding the same file (the reuse signal)."""
    if not hashes:
        return {}
    marks = ",".join("?" for _ in hashes)
    rows = conn.execute(
        f"SELECT DISTINCT sha256, lead_id FROM lead_files WHERE site_id = ? AND lead_id != ? "
        f"AND sha256 IN ({marks}) ORDER BY lead_id",
        [site_id, lead_id, *hashes],
    )
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["sha256"], []).append(r["lead_id"])
    return out


def all_files(conn: sqlite3.Connection) -> list[LeadFile]:
    """Every site's files, in the order they arrived (intake analysis of a freshly loaded store)."""
    rows = conn.execute("SELECT * FROM lead_files ORDER BY lead_id, uploaded_at, id")
    return [_file(r) for r in rows]
