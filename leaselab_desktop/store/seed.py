"""Rows of a site loaded whole (the demo dataset): sites, properties, units and leads as given."""

from __future__ import annotations

import sqlite3
from typing import Any


def site_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sites").fetchone()[0])


def insert_site(conn: sqlite3.Connection, site: dict[str, Any], ts: str) -> None:
    conn.execute(
        "INSERT INTO sites (id, name, tier, policy_profile, created_at) VALUES (?,?,?,?,?)",
        (site["id"], site.get("name", site["id"]), site.get("tier", "free"), site.get("policy_profile", "default"),
         ts),
    )


def insert_property(conn: sqlite3.Connection, site_id: str, p: dict[str, Any], ts: str) -> None:
    conn.execute(
        "INSERT INTO properties (id, site_id, name, address, city, province, created_at) VALUES (?,?,?,?,?,?,?)",
        (p["id"], site_id, p["name"], p.get("address"), p.get("city"), p.get("province"), ts),
    )


def insert_unit(conn: sqlite3.Connection, site_id: str, property_id: str, u: dict[str, Any], ts: str) -> None:
    conn.execute(
        "INSERT INTO units (id, property_id, site_id, name, bedrooms, monthly_rent, is_occupied, created_at) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (u["id"], property_id, site_id, u.get("name") or u.get("unit_number") or u["id"], u.get("bedrooms"),
         u.get("monthly_rent"), int(bool(u.get("is_occupied", False))), ts),
    )


def insert_lead_row(conn: sqlite3.Connection, site_id: str, row: dict[str, Any]) -> None:
    """A lead given column by column (the caller names only known columns)."""
    cols = ", ".join(row)
    conn.execute(f"INSERT INTO leads (site_id, {cols}) VALUES (?, {', '.join('?' for _ in row)})",
                 (site_id, *row.values()))
