"""The engine's own SQLite schema, versioned, and the checks made when a file is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from leaselab_desktop.engine.errors import EngineDatabaseError, EngineSchemaTooNew

SCHEMA_VERSION = 1
APPLICATION_ID = 0x4C4C5746  # "LLWF": LeaseLab workflow engine

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE instances (
        id          TEXT PRIMARY KEY,
        workflow    TEXT NOT NULL,
        status      TEXT NOT NULL,
        params      TEXT,
        created_at  REAL NOT NULL,
        updated_at  REAL NOT NULL,
        started_at  REAL,
        ended_at    REAL,
        error       TEXT,
        output      TEXT,
        restarts    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX instances_by_status ON instances(status);
    CREATE INDEX instances_by_end ON instances(ended_at) WHERE ended_at IS NOT NULL;
    CREATE TABLE steps (
        instance_id TEXT NOT NULL,
        name        TEXT NOT NULL,
        occurrence  INTEGER NOT NULL,
        ord         INTEGER NOT NULL,
        type        TEXT NOT NULL,
        start       REAL,
        end         REAL,
        success     INTEGER,
        output      TEXT,
        error       TEXT,
        config      TEXT,
        attempts    TEXT NOT NULL DEFAULT '[]',
        wake_at     REAL,
        event_type  TEXT,
        PRIMARY KEY (instance_id, name, occurrence)
    ) WITHOUT ROWID;
    CREATE TABLE events (
        id          TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT,
        received_at REAL NOT NULL,
        consumed    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX events_by_instance ON events(instance_id, consumed);
    """,
}
_OUR_TABLES = {"instances", "steps", "events"}


def _fail(path: Path, detail: str) -> EngineDatabaseError:
    return EngineDatabaseError(
        f"The workflow database {path} cannot be used: {detail}. The file has been left untouched; "
        "move it aside (or restore a backup) and start again to begin with an empty database."
    )


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the engine database. Raises EngineDatabaseError."""
    path = Path(path)
    check_path(path)
    existed = path.exists() and path.stat().st_size > 0
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        version = _check_existing(conn, path) if existed else 0
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise _fail(path, f"WAL journal mode is not available (got {mode!r})")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        if version < SCHEMA_VERSION:
            if version > 0:  # an existing run history is about to change shape: keep a copy first
                from leaselab_desktop.sqlite_backup import backup_before_migration

                backup_before_migration(conn, f"engine-{version}-to-{SCHEMA_VERSION}")
            _migrate(conn, version)
    except EngineDatabaseError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _fail(path, f"{exc} (the file is damaged or is not an SQLite database)") from None
    return conn


def check_path(path: Path) -> None:
    if path.exists() and not path.is_file():
        raise _fail(path, "it is not a regular file")


def _check_existing(conn: sqlite3.Connection, path: Path) -> int:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables - _OUR_TABLES):
        raise _fail(path, "it is an SQLite database of another program, not a workflow database")
    if version > SCHEMA_VERSION:
        raise EngineSchemaTooNew(
            f"The workflow database {path} was written by a newer version of LeaseLab Desktop "
            f"(engine schema {version}; this version understands up to {SCHEMA_VERSION}). "
            "Update LeaseLab Desktop, or move the file aside to start with an empty database. "
            "The file has been left untouched."
        )
    rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if rows != ["ok"]:
        raise _fail(path, "the integrity check failed: " + "; ".join(map(str, rows[:3])))
    return version


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _split(_MIGRATIONS[version]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _split(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
