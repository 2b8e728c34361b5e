"""Quota per site and month: checked and counted in one atomic statement."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from leaselab_desktop.domain.models import Usage
from leaselab_desktop.domain.vocab import TIERS
from leaselab_desktop.store.leads import now_iso, site_tier


def month_of(when: datetime) -> str:
    return when.strftime("%Y-%m")


def reset_date(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}-01T00:00:00.000Z"


def limit_for(conn: sqlite3.Connection, site_id: str) -> tuple[int, str]:
    tier, _ = site_tier(conn, site_id)
    return TIERS.get(tier, TIERS["free"]), tier


def try_consume(conn: sqlite3.Connection, site_id: str, month: str) -> int | None:
    """Count one evaluation if the limit allows; returns the new count or None when exhausted.

    One statement: the upsert only updates while the count is below the limit, so concurrent
    callers can never push the count past it.
    """
    limit, _ = limit_for(conn, site_id)
    row = conn.execute(
        """INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at)
           SELECT ?, ?, 1, ? WHERE ? > 0
           ON CONFLICT(site_id, month) DO UPDATE SET evaluation_count = evaluation_count + 1,
             updated_at = excluded.updated_at
           WHERE evaluation_count < ?
           RETURNING evaluation_count""",
        (site_id, month, now_iso(), limit, limit),
    ).fetchone()
    return None if row is None else int(row[0])


def give_back(conn: sqlite3.Connection, site_id: str, month: str) -> None:
    conn.execute(
        "UPDATE ai_evaluation_usage SET evaluation_count = MAX(evaluation_count - 1, 0), updated_at = ? "
        "WHERE site_id = ? AND month = ?",
        (now_iso(), site_id, month),
    )


def usage(conn: sqlite3.Connection, site_id: str, month: str) -> Usage:
    limit, tier = limit_for(conn, site_id)
    row = conn.execute(
        "SELECT evaluation_count FROM ai_evaluation_usage WHERE site_id = ? AND month = ?", (site_id, month)
    ).fetchone()
    count = int(row[0]) if row else 0
    return Usage(
        month=month, evaluation_count=count, quota_limit=limit, tier=tier,
        remaining=max(limit - count, 0), reset_date=reset_date(month),
    )
