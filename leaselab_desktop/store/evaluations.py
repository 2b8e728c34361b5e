"""lead_ai_evaluations (history, insert-only) and evaluation_overrides (append-only)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from leaselab_desktop.domain.models import Evaluation, Override
from leaselab_desktop.domain.timefmt import edge_times
from leaselab_desktop.store.leads import add_history, now_iso

_JSON_COLUMNS = ("risk_flags", "fraud_signals", "factors", "signals", "what_would_change", "compliance_notes")


def evaluation_from_row(row: sqlite3.Row) -> Evaluation:
    data: dict[str, Any] = dict(row)
    for col in _JSON_COLUMNS:
        data[col] = json.loads(data[col] or "[]")
    data["evaluation_id"] = data.pop("id")
    return Evaluation.model_validate(edge_times(Evaluation, data))


def insert_evaluation(
    conn: sqlite3.Connection, site_id: str, ev: Evaluation, *, facts: dict[str, Any],
    file_hashes: list[str], forced_reason: str | None, requested_by: str | None,
) -> bool:
    """Insert once; a replayed step (same evaluation id) inserts nothing. Returns True if inserted."""
    d = ev.model_dump(mode="json")
    cur = conn.execute(
        """INSERT OR IGNORE INTO lead_ai_evaluations (id, lead_id, site_id, workflow_instance_id, score,
             label, recommendation, summary, risk_flags, fraud_signals, factors, signals,
             what_would_change, compliance_notes, facts, file_hashes, document_fingerprint,
             policy_version, model_version, provider, forced_reason, requested_by, evaluated_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            d["evaluation_id"], d["lead_id"], site_id, d["workflow_instance_id"], d["score"],
            d["label"], d["recommendation"], d["summary"],
            *(json.dumps(d[c]) for c in _JSON_COLUMNS),
            json.dumps(facts), json.dumps(sorted(file_hashes)), d["document_fingerprint"],
            d["policy_version"], d["model_version"], d["provider"], forced_reason, requested_by,
            d["evaluated_at"],
        ),
    )
    return cur.rowcount == 1


def latest_evaluation(conn: sqlite3.Connection, site_id: str, lead_id: str) -> Evaluation | None:
    row = conn.execute(
        "SELECT * FROM lead_ai_evaluations WHERE site_id = ? AND lead_id = ? "
        "ORDER BY evaluated_at DESC, rowid DESC LIMIT 1",
        (site_id, lead_id),
    ).fetchone()
    return evaluation_from_row(row) if row else None


def latest_file_hashes(conn: sqlite3.Connection, site_id: str, lead_id: str) -> tuple[list[str], str, str] | None:
    row = conn.execute(
        "SELECT id, file_hashes, evaluated_at FROM lead_ai_evaluations WHERE site_id = ? AND lead_id = ? "
        "ORDER BY evaluated_at DESC, rowid DESC LIMIT 1",
        (site_id, lead_id),
    ).fetchone()
    if row is None:
        return None
    return json.loads(row["file_hashes"]), row["id"], row["evaluated_at"]


def history(conn: sqlite3.Connection, site_id: str, lead_id: str) -> list[Evaluation]:
    rows = conn.execute(
        "SELECT * FROM lead_ai_evaluations WHERE site_id = ? AND lead_id = ? "
        "ORDER BY evaluated_at DESC, rowid DESC",
        (site_id, lead_id),
    )
    return [evaluation_from_row(r) for r in rows]


def get_evaluation(conn: sqlite3.Connection, site_id: str, evaluation_id: str) -> Evaluation | None:
    row = conn.execute(
        "SELECT * FROM lead_ai_evaluations WHERE site_id = ? AND id = ?", (site_id, evaluation_id)
    ).fetchone()
    return evaluation_from_row(row) if row else None


def list_overrides(conn: sqlite3.Connection, site_id: str, evaluation_id: str) -> list[Override]:
    rows = conn.execute(
        "SELECT * FROM evaluation_overrides WHERE site_id = ? AND evaluation_id = ? ORDER BY created_at, rowid",
        (site_id, evaluation_id),
    )
    return [Override.model_validate(edge_times(Override, dict(r))) for r in rows]


def add_override(
    conn: sqlite3.Connection, site_id: str, ev: Evaluation, recommendation: str, reason: str, user_id: str
) -> Override:
    previous = list_overrides(conn, site_id, ev.evaluation_id)
    from_rec = previous[-1].to_recommendation if previous else ev.recommendation
    oid = f"ovr_{uuid.uuid4().hex[:12]}"
    ts = now_iso()
    conn.execute(
        """INSERT INTO evaluation_overrides (id, evaluation_id, lead_id, site_id, from_recommendation,
             to_recommendation, reason, user_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)""",
        (oid, ev.evaluation_id, ev.lead_id, site_id, from_rec, recommendation, reason.strip(), user_id, ts),
    )
    add_history(conn, site_id, ev.lead_id or "", "override",
                {"evaluation_id": ev.evaluation_id, "from": from_rec, "to": recommendation}, user_id)
    return Override(
        id=oid, evaluation_id=ev.evaluation_id, lead_id=ev.lead_id, from_recommendation=from_rec,
        to_recommendation=recommendation, reason=reason.strip(), user_id=user_id, created_at=ts,  # type: ignore[arg-type]
    )
