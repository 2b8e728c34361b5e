"""Migration runner for the one schema (``migrations/NNNN_name.sql``).

Each file runs once, inside a transaction, and is recorded in ``schema_migrations``. A database that
records a version this build does not know was written by a newer LeaseLab and is refused.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


class SchemaTooNew(StoreError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations_dir() -> Path:
    return Path(str(resources.files("leaselab_desktop.store") / "migrations"))


def load_migrations(folder: Path | None = None) -> list[Migration]:
    folder = folder or migrations_dir()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise StoreError(f"Migration file name {path.name!r} is not NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError("Two migration files share a version number")
    return found


def _split_statements(sql: str) -> list[str]:
    # sqlite3.complete_statement tells where a statement ends, so ';' inside strings is safe.
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise StoreError("A migration ends with an incomplete statement")
    return out


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations; returns the versions applied now."""
    migrations = migrations if migrations is not None else load_migrations()
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    known = {m.version for m in migrations}
    newer = sorted(v for v in applied if v not in known and v > max(known, default=0))
    if newer:
        raise SchemaTooNew(
            f"This database was written by a newer version of LeaseLab Desktop (schema "
            f"{newer[-1]}; this version knows up to {max(known, default=0)}). Update the app, or "
            f"open another data directory with --data-dir."
        )
    pending = [m for m in migrations if m.version not in applied]
    if pending and applied:
        # an existing database is about to change shape: keep a copy of it as it was
        from leaselab_desktop.sqlite_backup import backup_before_migration

        backup_before_migration(conn, f"{pending[0].version:04d}")
    done = []
    for m in pending:
        try:
            conn.execute("BEGIN")
            for stmt in _split_statements(m.sql):
                conn.execute(stmt)
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (m.version, m.name, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"Migration {m.version:04d}_{m.name} failed: {exc}") from exc
        done.append(m.version)
    return done
