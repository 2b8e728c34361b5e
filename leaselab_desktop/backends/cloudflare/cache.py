"""Per-profile SQLite offline cache of everything the Cloudflare client reads.

Records are stored as canonical JSON (``Model.canonical()``) with the time they were read. Document
bytes are stored only encrypted (AES-256-GCM) with a key kept in the OS keyring; without a secure
keyring no document bytes are cached and ``documents_reason`` says why (Settings shows it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile, Override, RunSnapshot, Usage
from leaselab_desktop.domain.timefmt import format_timestamp, parse_timestamp, utcnow
from leaselab_desktop.sealing import load_key
from leaselab_desktop.secrets import SecretStore

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
  site_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, read_at TEXT NOT NULL,
  PRIMARY KEY (site_id, id));
CREATE TABLE IF NOT EXISTS files (
  site_id TEXT NOT NULL, id TEXT NOT NULL, lead_id TEXT NOT NULL, json TEXT NOT NULL,
  read_at TEXT NOT NULL, PRIMARY KEY (site_id, id));
CREATE INDEX IF NOT EXISTS files_lead ON files (site_id, lead_id);
CREATE TABLE IF NOT EXISTS file_lists (
  site_id TEXT NOT NULL, lead_id TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (site_id, lead_id));
CREATE TABLE IF NOT EXISTS blobs (
  site_id TEXT NOT NULL, file_id TEXT NOT NULL, nonce BLOB NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (site_id, file_id));
CREATE TABLE IF NOT EXISTS evaluations (
  site_id TEXT NOT NULL, id TEXT NOT NULL, lead_id TEXT, json TEXT NOT NULL,
  evaluated_at TEXT, PRIMARY KEY (site_id, id));
CREATE INDEX IF NOT EXISTS evaluations_lead ON evaluations (site_id, lead_id, evaluated_at);
CREATE TABLE IF NOT EXISTS latest (
  site_id TEXT NOT NULL, lead_id TEXT NOT NULL, evaluation_id TEXT, read_at TEXT NOT NULL,
  PRIMARY KEY (site_id, lead_id));
CREATE TABLE IF NOT EXISTS history_lists (
  site_id TEXT NOT NULL, lead_id TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (site_id, lead_id));
CREATE TABLE IF NOT EXISTS overrides (
  site_id TEXT NOT NULL, id TEXT NOT NULL, evaluation_id TEXT NOT NULL, json TEXT NOT NULL,
  created_at TEXT, PRIMARY KEY (site_id, id));
CREATE TABLE IF NOT EXISTS usage (
  site_id TEXT NOT NULL, month TEXT NOT NULL, json TEXT NOT NULL, read_at TEXT NOT NULL,
  PRIMARY KEY (site_id, month));
CREATE TABLE IF NOT EXISTS runs (
  site_id TEXT NOT NULL, run_id TEXT NOT NULL, kind TEXT NOT NULL, lead_id TEXT,
  status TEXT NOT NULL, finished INTEGER NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (site_id, run_id));
CREATE INDEX IF NOT EXISTS runs_open ON runs (site_id, finished);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, lead_id TEXT NOT NULL,
  action TEXT NOT NULL, detail TEXT NOT NULL, user_id TEXT, created_at TEXT NOT NULL);
"""


class CacheError(Exception):
    pass


class OfflineCache:
    """One profile's cache file. Thread-safe; each call is one short transaction."""

    def __init__(self, path: Path, *, profile: str, secrets: SecretStore | None = None) -> None:
        self.path = path
        self.profile = profile
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            raise CacheError(
                f"The offline cache {path} was written by a newer LeaseLab Desktop; "
                "update the app or delete the cache file."
            )
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._aead, self.documents_reason = self._document_key(secrets or SecretStore())

    @classmethod
    def for_profile(cls, paths: Paths, profile: str, secrets: SecretStore | None = None) -> OfflineCache:
        return cls(paths.profile_cache(profile), profile=profile, secrets=secrets)

    def __repr__(self) -> str:
        return f"OfflineCache({str(self.path)!r}, documents={self.documents_enabled})"

    # -- keys ---------------------------------------------------------------------------------

    def _document_key(self, secrets: SecretStore) -> tuple[AESGCM | None, str]:
        key = load_key(secrets, f"cache:{self.profile}:document-key")  # the one mechanism (sealing.py)
        if key.created:
            with self._tx() as db:  # bytes under an older key can no longer be read
                db.execute("DELETE FROM blobs")
        return key.aead, key.reason

    @property
    def documents_enabled(self) -> bool:
        return self._aead is not None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- meta ---------------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def mark_contact(self, site_id: str, when: datetime) -> None:
        self.set_meta(f"last_contact:{site_id}", format_timestamp(when) or "")

    def last_contact(self, site_id: str) -> datetime | None:
        return parse_timestamp(self.meta(f"last_contact:{site_id}"))

    # -- leads and files ----------------------------------------------------------------------

    def put_leads(self, site_id: str, leads: list[Lead], when: datetime | None = None) -> None:
        stamp = format_timestamp(when or utcnow())
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO leads VALUES (?, ?, ?, ?)",
                [(site_id, lead.id, json.dumps(lead.canonical()), stamp) for lead in leads],
            )

    def leads(self, site_id: str) -> list[Lead]:
        rows = self._rows("SELECT json FROM leads WHERE site_id = ?", (site_id,))
        return [Lead.model_validate_json(r[0]) for r in rows]

    def lead(self, site_id: str, lead_id: str) -> Lead | None:
        rows = self._rows("SELECT json FROM leads WHERE site_id = ? AND id = ?", (site_id, lead_id))
        return Lead.model_validate_json(rows[0][0]) if rows else None

    def put_files(self, site_id: str, lead_id: str, files: list[LeadFile]) -> None:
        stamp = format_timestamp(utcnow())
        with self._tx() as db:
            db.execute("DELETE FROM files WHERE site_id = ? AND lead_id = ?", (site_id, lead_id))
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                [(site_id, f.id, lead_id, json.dumps(f.canonical()), stamp) for f in files],
            )
            db.execute("INSERT OR REPLACE INTO file_lists VALUES (?, ?, ?)", (site_id, lead_id, stamp))

    def files(self, site_id: str, lead_id: str) -> list[LeadFile] | None:
        """None when this lead's file list was never read (not the same as an empty list)."""
        if not self._rows(
            "SELECT 1 FROM file_lists WHERE site_id = ? AND lead_id = ?", (site_id, lead_id)
        ):
            return None
        rows = self._rows(
            "SELECT json FROM files WHERE site_id = ? AND lead_id = ? ORDER BY id", (site_id, lead_id)
        )
        return [LeadFile.model_validate_json(r[0]) for r in rows]

    def put_document(self, site_id: str, file_id: str, data: bytes) -> bool:
        if self._aead is None:
            return False
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, data, f"{site_id}/{file_id}".encode())
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)", (site_id, file_id, nonce, sealed))
        return True

    def document(self, site_id: str, file_id: str) -> bytes | None:
        if self._aead is None:
            return None
        rows = self._rows(
            "SELECT nonce, data FROM blobs WHERE site_id = ? AND file_id = ?", (site_id, file_id)
        )
        if not rows:
            return None
        try:
            return self._aead.decrypt(rows[0][0], rows[0][1], f"{site_id}/{file_id}".encode())
        except InvalidTag:
            return None  # written under another key or tampered with: treat as not cached

    # -- evaluations, overrides, usage --------------------------------------------------------

    def put_evaluations(self, site_id: str, lead_id: str | None, evaluations: list[Evaluation]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO evaluations VALUES (?, ?, ?, ?, ?)",
                [
                    (site_id, e.evaluation_id, e.lead_id or lead_id, json.dumps(e.canonical()),
                     format_timestamp(e.evaluated_at))
                    for e in evaluations
                ],
            )

    def put_history(self, site_id: str, lead_id: str, evaluations: list[Evaluation]) -> None:
        self.put_evaluations(site_id, lead_id, evaluations)
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO history_lists VALUES (?, ?, ?)",
                (site_id, lead_id, format_timestamp(utcnow())),
            )

    def put_latest(self, site_id: str, lead_id: str, evaluation: Evaluation | None) -> None:
        if evaluation is not None:
            self.put_evaluations(site_id, lead_id, [evaluation])
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO latest VALUES (?, ?, ?, ?)",
                (site_id, lead_id, evaluation.evaluation_id if evaluation else None,
                 format_timestamp(utcnow())),
            )

    def latest(self, site_id: str, lead_id: str) -> tuple[bool, Evaluation | None]:
        """(known, evaluation): known is False when the latest evaluation was never read."""
        rows = self._rows(
            "SELECT evaluation_id FROM latest WHERE site_id = ? AND lead_id = ?", (site_id, lead_id)
        )
        if not rows:
            return False, None
        if rows[0][0] is None:
            return True, None
        return True, self.evaluation(site_id, rows[0][0])

    def evaluation(self, site_id: str, evaluation_id: str) -> Evaluation | None:
        rows = self._rows(
            "SELECT json FROM evaluations WHERE site_id = ? AND id = ?", (site_id, evaluation_id)
        )
        return Evaluation.model_validate_json(rows[0][0]) if rows else None

    def history(self, site_id: str, lead_id: str) -> list[Evaluation] | None:
        if not self._rows(
            "SELECT 1 FROM history_lists WHERE site_id = ? AND lead_id = ?", (site_id, lead_id)
        ):
            return None
        rows = self._rows(
            "SELECT json FROM evaluations WHERE site_id = ? AND lead_id = ? "
            "ORDER BY evaluated_at DESC, id DESC",
            (site_id, lead_id),
        )
        return [Evaluation.model_validate_json(r[0]) for r in rows]

    def put_overrides(self, site_id: str, overrides: list[Override]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO overrides VALUES (?, ?, ?, ?, ?)",
                [(site_id, o.id, o.evaluation_id, json.dumps(o.canonical()),
                  format_timestamp(o.created_at)) for o in overrides],
            )

    def overrides(self, site_id: str, evaluation_id: str) -> list[Override]:
        rows = self._rows(
            "SELECT json FROM overrides WHERE site_id = ? AND evaluation_id = ? ORDER BY created_at, id",
            (site_id, evaluation_id),
        )
        return [Override.model_validate_json(r[0]) for r in rows]

    def put_usage(self, site_id: str, usage: Usage) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO usage VALUES (?, ?, ?, ?)",
                (site_id, usage.month, json.dumps(usage.canonical()), format_timestamp(utcnow())),
            )

    def usage(self, site_id: str, month: str) -> Usage | None:
        rows = self._rows("SELECT json FROM usage WHERE site_id = ? AND month = ?", (site_id, month))
        return Usage.model_validate_json(rows[0][0]) if rows else None

    # -- runs (followed again after a restart) ------------------------------------------------

    def put_run(self, site_id: str, snapshot: RunSnapshot, kind: str) -> None:
        """``kind``: which API serves the run, "workflow" or "job" (the route it is read from)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site_id, snapshot.run_id, kind, snapshot.lead_id, snapshot.status,
                 int(snapshot.finished), json.dumps(snapshot.canonical()),
                 format_timestamp(utcnow())),
            )

    def run(self, site_id: str, run_id: str) -> RunSnapshot | None:
        rows = self._rows("SELECT json FROM runs WHERE site_id = ? AND run_id = ?", (site_id, run_id))
        return RunSnapshot.model_validate_json(rows[0][0]) if rows else None

    def run_kind(self, site_id: str, run_id: str) -> str | None:
        rows = self._rows("SELECT kind FROM runs WHERE site_id = ? AND run_id = ?", (site_id, run_id))
        return str(rows[0][0]) if rows else None

    def open_runs(self, site_id: str) -> list[RunSnapshot]:
        rows = self._rows(
            "SELECT json FROM runs WHERE site_id = ? AND finished = 0 ORDER BY updated_at", (site_id,)
        )
        return [RunSnapshot.model_validate_json(r[0]) for r in rows]

    def recent_runs(self, site_id: str, limit: int) -> list[RunSnapshot]:
        """The runs this app started or followed: unfinished first, then the latest seen."""
        rows = self._rows("SELECT json FROM runs WHERE site_id = ? ORDER BY finished, updated_at DESC LIMIT ?",
                          (site_id, limit))
        return [RunSnapshot.model_validate_json(r[0]) for r in rows]

    # -- retention and deletion --------------------------------------------------------------

    def forget_documents(self, site_id: str, lead_id: str, *, reason: str, user_id: str | None) -> int:
        """Purge this computer's copies of a lead's documents and file list; the cached lead and
        its evaluations stay. Records what went in ``audit``; returns the documents removed."""
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM files WHERE site_id = ? AND lead_id = ?",
                                            (site_id, lead_id))]
            held = sum(db.execute("DELETE FROM blobs WHERE site_id = ? AND file_id = ?", (site_id, i)).rowcount
                       for i in ids)
            db.execute("DELETE FROM files WHERE site_id = ? AND lead_id = ?", (site_id, lead_id))
            db.execute("DELETE FROM file_lists WHERE site_id = ? AND lead_id = ?", (site_id, lead_id))
            db.execute("INSERT INTO audit (site_id, lead_id, action, detail, user_id, created_at) "
                       "VALUES (?, ?, 'applicant_data_deleted', ?, ?, ?)",
                       (site_id, lead_id, json.dumps({"deleted": {"cached_documents": held, "file_list": len(ids)},
                                                      "reason": reason}), user_id, format_timestamp(utcnow())))
        return held

    def audit(self, site_id: str, lead_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT action, detail, user_id, created_at FROM audit WHERE site_id = ? AND lead_id = ? "
                          "ORDER BY id", (site_id, lead_id))
        return [{"action": r[0], **json.loads(r[1]), "by": r[2], "at": r[3]} for r in rows]

    def forget_run(self, site_id: str, run_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM runs WHERE site_id = ? AND run_id = ?", (site_id, run_id))
