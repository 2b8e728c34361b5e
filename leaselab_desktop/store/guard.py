"""Refuse to create a database over existing data.

A lost or emptied ``leaselab.sqlite3`` (a 0-byte file left by a full disk or a sync tool, a file
truncated by hand) used to be replaced by a fresh database with the demo data: the real leads
vanished and their documents were orphaned. Likewise a 0-byte ``engine.sqlite3`` beside a store
that records runs lost the run history. Before either database is created, this module looks at
what lies beside it and refuses, saying what it found and what to do.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaselab_desktop.store.migrate import StoreError


class DataWithoutDatabase(StoreError):
    """The database is missing, empty or has no LeaseLab schema while data lies beside it."""


@dataclass(frozen=True)
class DataLayout:
    """Where the local backend keeps what it must not lose (mirrors config.Paths)."""

    database: Path
    engine_database: Path
    files_dir: Path
    analyses_dir: Path
    settings_file: Path | None = None

    @classmethod
    def of(cls, paths: Any) -> DataLayout:
        """The layout of a ``config.Paths``."""
        return cls(paths.database, paths.engine_database, paths.files_dir,
                   paths.cache_dir / "document-analyses", paths.settings_file)


def _count_files(folder: Path, limit: int = 10_000) -> int:
    n = 0
    if not folder.is_dir():
        return 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.name.startswith("."):  # markers and temporary files are not data
            n += 1
            if n >= limit:
                break
    return n


def _db_state(path: Path, table: str) -> tuple[str, int]:
    """("missing" | "empty" | "schema-less" | "ok" | "unreadable", rows in ``table``)."""
    if not path.exists():
        return "missing", 0
    if path.is_file() and path.stat().st_size == 0:
        return "empty", 0
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return "unreadable", 0
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if table not in tables:
            return "schema-less", 0
        return "ok", int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return "unreadable", 0  # the opener gives the precise damage message
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


_STATE_WORDS = {
    "missing": "is missing",
    "empty": "is empty (0 bytes)",
    "schema-less": "holds no LeaseLab tables",
}


def check_data_layout(layout: DataLayout) -> None:
    """Raise DataWithoutDatabase when a database would be created over existing data."""
    store_state, store_migrations = _db_state(layout.database, "schema_migrations")
    engine_state, engine_runs = _db_state(layout.engine_database, "instances")
    if store_state in _STATE_WORDS or (store_state == "ok" and store_migrations == 0):
        found: list[str] = []
        if n := _count_files(layout.files_dir):
            found.append(f"{n} document file(s) in {layout.files_dir}")
        if n := _count_files(layout.analyses_dir):
            found.append(f"{n} document analysis file(s) in {layout.analyses_dir}")
        if engine_runs:
            found.append(f"{engine_runs} evaluation run(s) in {layout.engine_database}")
        if found:
            state = _STATE_WORDS.get(store_state, "holds no LeaseLab tables")
            raise DataWithoutDatabase(
                f"The database {layout.database} {state}, but this data folder holds "
                f"{'; '.join(found)}. LeaseLab did not create a new database, so nothing was "
                "overwritten. Restore the database from a backup (leaselab-desktop restore DIR), "
                "or move the whole data folder aside to start afresh."
            )
    if engine_state in ("empty", "schema-less") and store_state == "ok":
        runs = _store_runs(layout.database)
        if runs:
            raise DataWithoutDatabase(
                f"The workflow database {layout.engine_database} {_STATE_WORDS[engine_state]}, but "
                f"{layout.database} records {runs} evaluation run(s). LeaseLab did not create a new "
                "workflow database, so their history is not overwritten. Restore it from a backup "
                "(leaselab-desktop restore DIR), or delete the empty file to start a new run history."
            )


def _store_runs(path: Path) -> int:
    state, _ = _db_state(path, "ai_workflow_runs")
    if state != "ok":
        return 0
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM ai_workflow_runs").fetchone()[0])
