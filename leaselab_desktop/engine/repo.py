"""SQL of the engine: write operations (run on the writer thread) and reads."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from leaselab_desktop.engine.errors import DuplicateInstance
from leaselab_desktop.engine.records import PendingEvent, Run, StepRecord

_STEP_SQL = (
    "INSERT OR REPLACE INTO steps (instance_id, name, occurrence, ord, type, start, end, success,"
    " output, error, config, attempts, wake_at, event_type) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def insert_instances(rows: list[tuple[Any, ...]]) -> Any:
    def op(conn: sqlite3.Connection) -> None:
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        existing = [r[0] for r in conn.execute(f"SELECT id FROM instances WHERE id IN ({marks})", ids)]
        if existing:
            raise DuplicateInstance(
                f"an instance with id {existing[0]!r} already exists; instance ids must be unique"
            )
        conn.executemany(
            "INSERT INTO instances (id, workflow, status, params, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?)",
            rows,
        )

    return op


def finish_instance(
    run: Run, status: str, ended: float, error: dict[str, str] | None, output_json: str | None
) -> Any:
    values = (status, ended, run.started_at, ended, None if error is None else json.dumps(error),
              output_json, run.restarts, run.id)

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE instances SET status=?, updated_at=?, started_at=?, ended_at=?, error=?,"
            " output=?, restarts=? WHERE id=?",
            values,
        )

    return op


def update_instance(run: Run, now: float) -> Any:
    """Store the instance's current status (not finished: no output)."""
    values = (
        run.status, now, run.started_at, run.ended_at,
        None if run.error is None else json.dumps(run.error), None, run.restarts, run.id,
    )

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE instances SET status=?, updated_at=?, started_at=?, ended_at=?, error=?,"
            " output=?, restarts=? WHERE id=?",
            values,
        )

    return op


def save_step(instance_id: str, record: StepRecord) -> Any:
    row = record.row(instance_id)

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(_STEP_SQL, row)

    return op


def save_step_and_consume(instance_id: str, record: StepRecord, event_id: str) -> Any:
    row = record.row(instance_id)

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(_STEP_SQL, row)
        conn.execute("UPDATE events SET consumed=1 WHERE id=?", (event_id,))

    return op


def delete_steps(instance_id: str, from_ord: int) -> Any:
    def op(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM steps WHERE instance_id=? AND ord>=?", (instance_id, from_ord))

    return op


def insert_event(instance_id: str, event: PendingEvent, payload_json: str) -> Any:
    row = (event.id, instance_id, event.type, payload_json, event.received_at)

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO events (id, instance_id, type, payload, received_at) VALUES (?,?,?,?,?)",
            row,
        )

    return op


def purge_finished(cutoff: float) -> Any:
    def op(conn: sqlite3.Connection) -> int:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM instances WHERE ended_at IS NOT NULL AND ended_at < ?"
                " AND status IN ('complete','errored','terminated')",
                (cutoff,),
            )
        ]
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM steps WHERE instance_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM events WHERE instance_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM instances WHERE id IN ({marks})", chunk)
        return len(ids)

    return op


def load_unfinished(conn: sqlite3.Connection) -> list[Run]:
    """Every instance that is not finished, with its steps and unconsumed events."""
    conn.row_factory = sqlite3.Row
    try:
        runs: list[Run] = []
        for row in conn.execute(
            "SELECT * FROM instances WHERE status NOT IN ('complete','errored','terminated')"
            " ORDER BY rowid"
        ):
            run = run_from_row(row)
            for srow in conn.execute("SELECT * FROM steps WHERE instance_id=?", (run.id,)):
                rec = StepRecord.from_row(srow)
                run.steps[(rec.name, rec.occurrence)] = rec
            for erow in conn.execute(
                "SELECT * FROM events WHERE instance_id=? AND consumed=0 ORDER BY rowid", (run.id,)
            ):
                run.events.append(
                    PendingEvent(
                        erow["id"], erow["type"], _loads(erow["payload"]), erow["received_at"]
                    )
                )
            runs.append(run)
        return runs
    finally:
        conn.row_factory = None


def run_from_row(row: Any) -> Run:
    return Run(
        id=row["id"], workflow=row["workflow"], params=_loads(row["params"]),
        created_at=row["created_at"], status=row["status"], error=_loads(row["error"]),
        output=_loads(row["output"]), started_at=row["started_at"], ended_at=row["ended_at"],
        restarts=row["restarts"],
    )


def read_instance(conn: sqlite3.Connection, instance_id: str) -> Run | None:
    row = conn.execute("SELECT * FROM instances WHERE id=?", (instance_id,)).fetchone()
    return None if row is None else run_from_row(row)


def read_steps(conn: sqlite3.Connection, instance_id: str) -> list[StepRecord]:
    rows = conn.execute("SELECT * FROM steps WHERE instance_id=? ORDER BY ord", (instance_id,))
    return [StepRecord.from_row(r) for r in rows]


def list_instances(
    conn: sqlite3.Connection, workflow: str | None, status: str | None, limit: int
) -> list[dict[str, Any]]:
    sql = "SELECT id, workflow, status, created_at, ended_at FROM instances WHERE 1=1"
    args: list[Any] = []
    if workflow is not None:
        sql += " AND workflow=?"
        args.append(workflow)
    if status is not None:
        sql += " AND status=?"
        args.append(status)
    sql += " ORDER BY rowid DESC LIMIT ?"
    args.append(limit)
    return [dict(r) for r in conn.execute(sql, args)]


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def read_pending_events(conn: sqlite3.Connection, instance_id: str) -> list[PendingEvent]:
    rows = conn.execute(
        "SELECT * FROM events WHERE instance_id=? AND consumed=0 ORDER BY rowid", (instance_id,)
    )
    return [PendingEvent(r["id"], r["type"], _loads(r["payload"]), r["received_at"]) for r in rows]
