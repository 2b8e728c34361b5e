"""Retention and *Delete applicant data* on the local backend.

Deleting a lead's applicant data removes its documents (the file store), their stored analyses
(the extracted text), and the documents' text kept in finished runs' step records. The lead, its
evaluations, overrides and history stay; lead_history gets one entry saying what was deleted, when,
by whom and why. The rows go first, in one transaction with that entry, then the bytes: a crash
between the two leaves unreferenced files, never a reference to a missing one (``sweep_orphans``
removes them at the next start).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from leaselab_desktop.backends import errors
from leaselab_desktop.domain.timefmt import format_timestamp
from leaselab_desktop.screening.documents.analysis_store import analysis_key
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
from leaselab_desktop.store import retention as repo

if TYPE_CHECKING:
    from leaselab_desktop.backends.local_ports import LocalScreeningPorts
    from leaselab_desktop.config import Paths
    from leaselab_desktop.domain.models import Lead, RunSnapshot
    from leaselab_desktop.screening.documents.filestore import FileStore
    from leaselab_desktop.store import Database


class LocalBackend(Protocol):
    """What deleting needs of the local backend (a protocol: local.py imports this module)."""

    db: Database
    files: FileStore
    ports: LocalScreeningPorts
    paths: Paths
    site_id: str
    user_id: str

    async def get_lead(self, lead_id: str) -> Lead: ...
    async def active_run(self, lead_id: str) -> RunSnapshot | None: ...

log = logging.getLogger(__name__)
ORPHAN_AGE_S = 3600.0  # without the engine lock, a younger file may belong to an attach in progress


@dataclass(frozen=True)
class Deletion:
    lead_id: str
    documents: int
    analyses: int
    step_texts: int

    def line(self) -> str:
        return (f"{self.lead_id}: deleted {self.documents} document(s), {self.analyses} stored analysis(es) "
                f"and the documents' text of {self.step_texts} finished run(s)")


async def delete_applicant_data(backend: LocalBackend, lead_id: str, *, reason: str,
                                by: str | None = None) -> Deletion:
    await backend.get_lead(lead_id)  # NotFound for another site's or an unknown lead
    active = await backend.active_run(lead_id)
    if active is not None:
        raise errors.AlreadyRunning(
            "An evaluation of this applicant is running; wait for it to end (or stop it), then delete "
            "the applicant data.", run_id=active.run_id)
    site, who = backend.site_id, by or backend.user_id

    def remove(c: sqlite3.Connection) -> tuple[list[repo.RemovedFile], list[str]]:
        removed = repo.remove_lead_files(c, site, lead_id)
        runs = repo.finished_runs(c, site, lead_id)
        analyses = sum(1 for f in removed if not f.still_used)
        repo.record_deletion(c, site, lead_id, {
            "deleted": {"documents": len(removed), "analyses": analyses, "step_texts": len(runs)},
            "file_ids": [f.file_id for f in removed], "reason": reason}, who)
        return removed, runs

    removed, runs = await backend.db.write(remove)

    def erase() -> tuple[int, int]:
        analyses = 0
        for f in removed:
            backend.files.delete(f.key)
            store = backend.ports.analyses
            if not f.still_used and store is not None:
                key = analysis_key(f.sha256, f.size, f.file_name, f.file_type, DEFAULT_LIMITS)
                analyses += store.delete(key)
        return analyses, scrub_step_text(backend.paths.engine_database, runs)

    analyses, scrubbed = await _to_thread(erase)
    done = Deletion(lead_id, len(removed), analyses, scrubbed)
    log.info("applicant data deleted by %s (%s): %s", who, reason, done.line())
    return done


async def purge_expired(backend: LocalBackend, now: datetime) -> list[Deletion]:
    """Apply the site's retention period to its closed leads; [] when the site keeps everything."""
    days = await backend.db.read(lambda c: repo.retention_days(c, backend.site_id))
    if days is None:
        return []
    cutoff = format_timestamp(now - timedelta(days=days)) or ""
    due = await backend.db.read(lambda c: repo.closed_leads_due(c, backend.site_id, cutoff))
    out = []
    for lead_id in due:
        try:
            out.append(await delete_applicant_data(
                backend, lead_id, reason=f"retention period of {days} day(s) after the lead closed",
                by="retention policy"))
        except errors.AlreadyRunning:
            continue  # next time
    return out


def scrub_step_text(engine_db: Path, instance_ids: list[str]) -> int:
    """Empty the documents' text kept in finished runs' load-documents step records (the facts and
    the step's success stay, so the run's history still reads)."""
    if not instance_ids or not engine_db.exists():
        return 0
    n = 0
    with contextlib.closing(sqlite3.connect(engine_db, timeout=30, isolation_level=None)) as conn:
        conn.execute("PRAGMA busy_timeout=30000")
        for iid in instance_ids:
            for occurrence, output in conn.execute(
                    "SELECT occurrence, output FROM steps WHERE instance_id = ? AND name = 'load-documents' "
                    "AND output IS NOT NULL", (iid,)).fetchall():
                data: Any = json.loads(output)
                docs = data.get("documents") if isinstance(data, dict) else None
                if not isinstance(docs, list) or not any(isinstance(d, dict) and d.get("text") for d in docs):
                    continue
                for d in docs:
                    if isinstance(d, dict):
                        d["text"] = ""
                conn.execute("UPDATE steps SET output = ? WHERE instance_id = ? AND name = 'load-documents' "
                             "AND occurrence = ?", (json.dumps(data), iid, occurrence))
                n += 1
    return n


def sweep_orphans(files_root: Path, referenced: set[str], *, now: float | None = None,
                  min_age_s: float = ORPHAN_AGE_S) -> list[Path]:
    """Remove stored files no lead_files row points to (left by a crash mid-deletion or mid-attach)
    once they are older than ``min_age_s`` (0 when no other process can be writing); returns what
    was removed."""
    now = time.time() if now is None else now
    gone = []
    for path in sorted((files_root / "leads").glob("*/*")):
        if not path.is_file():
            continue
        key = path.relative_to(files_root).as_posix()
        if key in referenced or now - path.stat().st_mtime < min_age_s:
            continue
        path.unlink(missing_ok=True)
        gone.append(path)
    return gone


async def _to_thread(fn: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(fn)
