"""The local backend: the embedded durable engine + the SQLite store + the screening workflow.

A thin adapter of the Backend protocol: reads go to the store's repositories, evaluation runs to
the application layer (``application.engine_runs``), intake to ``local_intake``. ``watch_run`` is
fed by the engine's event subscription (no polling).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.application.admission import kind_costs_money, provider_costs_money
from leaselab_desktop.application.engine_runs import EngineRuns, RunPolicy
from leaselab_desktop.backends import errors
from leaselab_desktop.backends.local_intake import LocalIntake
from leaselab_desktop.backends.local_ports import LocalScreeningPorts
from leaselab_desktop.config import Paths, ProviderSettings
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import (
    Evaluation,
    Health,
    Lead,
    LeadFile,
    LeadPage,
    LeadQuery,
    NewLead,
    Override,
    Property,
    RunSnapshot,
    RunTicket,
    Unit,
    Usage,
)
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.engine import Engine
from leaselab_desktop.screening.documents.analysis_store import AnalysisStore
from leaselab_desktop.screening.documents.filestore import FileStore
from leaselab_desktop.screening.policy import load_policy
from leaselab_desktop.screening.workflow import WORKFLOW_NAME, EvaluationWorkflow
from leaselab_desktop.secrets import SecretStore
from leaselab_desktop.store import Database
from leaselab_desktop.store import evaluations as evals_repo
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import leads as leads_repo
from leaselab_desktop.store import usage as usage_repo
from leaselab_desktop.store.at_rest import open_sealer
from leaselab_desktop.store.guard import DataLayout, check_data_layout

log = logging.getLogger(__name__)


class LocalBackend:
    kind = "local"

    def __init__(self, paths: Paths, db: Database, files: FileStore, engine: Engine, ports: LocalScreeningPorts,
                 runs: EngineRuns, *, site_id: str, user_id: str, clock: Callable[[], datetime]) -> None:
        self.paths, self.db, self.files, self.engine, self.ports = paths, db, files, engine, ports
        self.runs = runs
        self.site_id, self.user_id = site_id, user_id
        self._clock = clock
        self.intake = LocalIntake(db, files, site_id, user_id, ports.analyse_at_intake, clock)
        self.notifications: list[Callable[[str, Evaluation], None]] = []

    # -- lifecycle ------------------------------------------------------------------------------
    @classmethod
    async def open(
        cls, paths: Paths, *, site_id: str = "site_demo", user_id: str = "agent@leaselab.local",
        provider_settings: ProviderSettings | None = None, secrets: SecretStore | None = None,
        load_demo: bool = True, max_concurrency: int = 8, policy_profile: str | None = None,
        count_free_providers: bool = False, clock: Callable[[], datetime] = utcnow, resume: bool = True,
        allow_unencrypted: bool = False,
    ) -> LocalBackend:
        """``resume=False`` for a process that will not stay: runs left unfinished stay as they
        are until one that follows them (see ``application.engine_runs``)."""
        paths.ensure()
        await asyncio.to_thread(check_data_layout, DataLayout.of(paths))
        analyses_dir = paths.cache_dir / "document-analyses"
        sealer = await asyncio.to_thread(open_sealer, paths.data_dir, paths.files_dir, analyses_dir,
                                         secrets or SecretStore(), allow_unencrypted=allow_unencrypted)
        files = FileStore(paths.files_dir, sealer=sealer)
        analyses = AnalysisStore(analyses_dir, sealer=sealer)
        db = await asyncio.to_thread(Database.open, paths.database)
        settings = provider_settings or ProviderSettings()
        holder: list[LocalBackend] = []
        try:
            demo_loaded = await db.write(lambda c: _load_demo(c, files)) if load_demo else 0
            ports = LocalScreeningPorts(db, files, settings, secrets or SecretStore(),
                                        notify=lambda s, lead, ev: holder[0]._notify(lead, ev), clock=clock,
                                        analyses=analyses, sealer=sealer)
            engine = Engine(paths.engine_database, max_concurrency=max_concurrency,
                            workflows={WORKFLOW_NAME: EvaluationWorkflow(ports, load_policy())})
        except BaseException:
            db.close()
            raise
        policy = RunPolicy(site_id=site_id, user_id=user_id, provider=settings.kind, policy_profile=policy_profile,
                           counts_quota=count_free_providers or provider_costs_money(settings),
                           kind_counts=lambda kind: count_free_providers or kind_costs_money(settings, kind))
        self = cls(paths, db, files, engine, ports, EngineRuns(engine, db, policy, clock),
                   site_id=site_id, user_id=user_id, clock=clock)
        holder.append(self)
        if demo_loaded:  # the demo's documents arrived just now: analyse them as at any intake
            ports.analyse_at_intake(await db.read(lambda c: [(f, files.path(f.r2_key or ""))
                                                             for f in files_repo.all_files(c)]))
        try:
            await self.runs.start(resume=resume)
        except BaseException:
            await self.aclose()
            raise
        await self._housekeeping()
        return self

    async def _housekeeping(self) -> None:
        """At start, under the engine's lock: plaintext left from before encryption, the site's
        retention period, and files no row points to (a crash mid-way)."""
        from leaselab_desktop.backends.local_retention import sweep_orphans

        try:
            analyses = self.ports.analyses
            sealed = await asyncio.to_thread(  # what was stored in plaintext before encryption
                lambda: self.files.seal_existing() + (analyses.seal_existing() if analyses else 0))
            if sealed:
                log.info("encrypted %d document file(s) and analyses stored in plaintext before", sealed)
            for done in await self.purge_expired():
                log.info("retention: %s", done.line())
            referenced = await self.db.read(lambda c: {r[0] for r in c.execute("SELECT r2_key FROM lead_files")})
            # the engine's lock is held: no other process writes to this data folder, so a file
            # no row points to is left by a crash (of an attach or a deletion), whatever its age
            for path in await asyncio.to_thread(sweep_orphans, self.files.root, referenced, min_age_s=0.0):
                log.info("removed the unreferenced stored file %s", path.name)
        except Exception:  # housekeeping never stops the data from opening
            log.exception("retention / orphan sweep failed; tried again at the next start")

    # -- retention and deletion (backends/local_retention.py) -------------------------------------
    async def delete_applicant_data(self, lead_id: str, *, reason: str, by: str | None = None) -> Any:
        from leaselab_desktop.backends.local_retention import delete_applicant_data

        return await delete_applicant_data(self, lead_id, reason=reason, by=by)

    async def purge_expired(self, now: datetime | None = None) -> list[Any]:
        from leaselab_desktop.backends.local_retention import purge_expired

        return await purge_expired(self, now or self._clock())

    async def set_retention_days(self, days: int | None) -> None:
        from leaselab_desktop.store.retention import set_retention_days

        await self.db.write(lambda c: set_retention_days(c, self.site_id, days))

    async def retention_days(self) -> int | None:
        from leaselab_desktop.store.retention import retention_days

        return await self.db.read(lambda c: retention_days(c, self.site_id))

    async def documents_analysed(self) -> None:
        """Wait until the documents received so far have been analysed in the background (an
        app left open while documents arrive; benchmarks that start from that state)."""
        await asyncio.wrap_future(self.ports.intake_settled())

    async def aclose(self) -> None:
        await self.runs.close()
        await self.engine.close()
        self.ports.close()
        self.db.close()

    def _notify(self, lead_id: str, ev: Evaluation) -> None:
        for cb in list(self.notifications):
            try:
                cb(lead_id, ev)
            except Exception:  # a listener never breaks a run
                log.exception("notification listener failed")

    # -- reads -----------------------------------------------------------------------------------
    async def list_leads(self, query: LeadQuery) -> LeadPage:
        return await self.db.read(lambda c: leads_repo.list_leads(c, self.site_id, query))

    async def list_lead_rows(self, query: LeadQuery) -> LeadRows:
        return await self.db.read(lambda c: leads_repo.list_lead_rows(c, self.site_id, query))

    async def get_lead(self, lead_id: str) -> Lead:
        lead = await self.db.read(lambda c: leads_repo.get_lead(c, self.site_id, lead_id))
        if lead is None:
            raise errors.NotFound(f"Lead {lead_id} was not found in this site.")
        return lead

    async def list_files(self, lead_id: str) -> list[LeadFile]:
        await self.get_lead(lead_id)
        return await self.db.read(lambda c: files_repo.list_files(c, self.site_id, lead_id))

    async def read_file(self, file: LeadFile) -> bytes:
        stored = await self.db.read(lambda c: files_repo.get_file(c, self.site_id, file.id))
        if stored is None or not stored.r2_key:
            raise errors.NotFound(f"The document {file.file_name} is not in this site.")
        try:
            return await asyncio.to_thread(self.files.read, stored.r2_key)
        except FileNotFoundError as exc:
            raise errors.NotFound(f"The document {file.file_name} is missing from the file store.") from exc

    async def latest_evaluation(self, lead_id: str) -> Evaluation | None:
        return await self.db.read(lambda c: evals_repo.latest_evaluation(c, self.site_id, lead_id))

    async def evaluation_history(self, lead_id: str) -> list[Evaluation]:
        return await self.db.read(lambda c: evals_repo.history(c, self.site_id, lead_id))

    async def overrides(self, evaluation_id: str) -> list[Override]:
        return await self.db.read(lambda c: evals_repo.list_overrides(c, self.site_id, evaluation_id))

    async def usage(self) -> Usage:
        return await self.runs.usage(usage_repo.month_of(self._clock()))

    async def health(self) -> Health:
        return Health(state="online", last_contact=self._clock(), detail="Embedded local executor")

    async def list_properties(self) -> list[Property]:
        return await self.db.read(lambda c: leads_repo.list_properties(c, self.site_id))

    async def list_units(self, property_id: str) -> list[Unit]:
        return await self.db.read(lambda c: leads_repo.list_units(c, self.site_id, property_id))

    # -- runs (the application layer's) ------------------------------------------------------------
    async def start_evaluation(self, lead_id: str, force: bool = False, reason: str | None = None) -> RunTicket:
        return await self.runs.start_evaluation(lead_id, force, reason)

    async def get_run(self, run_id: str) -> RunSnapshot:
        return await self.runs.get(run_id)

    def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        return self.runs.watch(run_id)

    async def active_run(self, lead_id: str) -> RunSnapshot | None:
        return await self.runs.active(lead_id)

    async def list_runs(self, limit: int = 20) -> list[RunSnapshot]:
        return await self.runs.list(limit)

    async def terminate_run(self, run_id: str) -> None:
        await self.runs.terminate(run_id)

    async def retry_run(self, run_id: str) -> RunTicket:
        return await self.runs.retry(run_id)

    async def override(self, evaluation_id: str, recommendation: str, reason: str) -> Override:
        from leaselab_desktop.domain.vocab import RECOMMENDATIONS

        if recommendation not in RECOMMENDATIONS:
            raise errors.InvalidRequest(f"Unknown recommendation {recommendation!r}.")
        if not reason or not reason.strip():
            raise errors.InvalidRequest("An override needs a reason.")

        def tx(c: sqlite3.Connection) -> Override:
            ev = evals_repo.get_evaluation(c, self.site_id, evaluation_id)
            if ev is None:
                raise errors.NotFound(f"Evaluation {evaluation_id} was not found.")
            return evals_repo.add_override(c, self.site_id, ev, recommendation, reason, self.user_id)

        return await self.db.write(tx)

    # -- intake ----------------------------------------------------------------------------------
    async def create_lead(self, new: NewLead) -> Lead:
        return await self.get_lead(await self.intake.create_lead(new))

    async def attach_file(self, lead_id: str, path: Path, file_type: str = "other") -> LeadFile:
        await self.get_lead(lead_id)
        return await self.intake.attach_file(lead_id, path, file_type)

    async def attach_bytes(self, lead_id: str, name: str, data: bytes, file_type: str = "other") -> LeadFile:
        return await self.intake.attach_bytes(lead_id, name, data, file_type)


def _load_demo(conn: sqlite3.Connection, files: FileStore) -> int:
    from leaselab_desktop.backends.demo_loader import load_demo_if_empty

    return load_demo_if_empty(conn, files)
