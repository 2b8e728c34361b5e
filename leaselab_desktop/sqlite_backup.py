"""SQLite online backups, shared by the store and the engine (neither depends on the other).

A copy made with the online backup API is a consistent snapshot even while the database is open in
WAL mode, where a plain file copy can miss committed pages.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def online_backup(src: sqlite3.Connection, dest: Path) -> None:
    """A consistent copy of ``src`` at ``dest`` (written beside it, then renamed into place)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    out = sqlite3.connect(tmp)
    try:
        src.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        out.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def backup_before_migration(conn: sqlite3.Connection, label: str) -> Path | None:
    """Copy the database ``conn`` has open to ``backups/`` beside it; None for in-memory ones."""
    main = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    if main is None or not main[2]:
        return None
    path = Path(main[2])
    dest = path.parent / "backups" / f"{path.stem}-before-migration-{label}-{stamp()}{path.suffix}"
    online_backup(conn, dest)
    return dest


