"""The local backend: the embedded durable engine + the SQLite store + the screening workflow.

Implements the Backend protocol; ``watch_run`` is fed by the engine's event subscription (no polling).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.backends import errors
from leaselab_desktop.backends.local_ports import LocalScreeningPorts, provider_costs_money
from leaselab_desktop.backends.local_runs import build_snapshot
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
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.timefmt import parse_timestamp, utcnow
from leaselab_desktop.engine import Engine, EngineEvent
from leaselab_desktop.engine.events import Subscription
from leaselab_desktop.screening.documents.analysis_store import AnalysisStore
from leaselab_desktop.screening.documents.filestore import FileStore
from leaselab_desktop.screening.workflow import WORKFLOW_NAME, EvaluationRequest, EvaluationWorkflow
from leaselab_desktop.secrets import SecretStore
from leaselab_desktop.store import Database
from leaselab_desktop.store import evaluations as evals_repo
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import leads as leads_repo
from leaselab_desktop.store import runs as runs_repo
from leaselab_desktop.store import usage as usage_repo
from leaselab_desktop.store.at_rest import open_sealer
from leaselab_desktop.store.guard import DataLayout, check_data_layout

log = logging.getLogger(__name__)
DUPLICATE_THRESHOLD = load_spec().thresholds.duplicate_documents  # the shared spec; the worker reads it too
TRACK_GATHER_S = 0.025  # run bookkeeping is written at most this late, in one transaction per burst


def overlap(current: list[str], previous: list[str]) -> float:
    """Share of document hashes the two sets have in common (1.0 when both are empty)."""
    a, b = set(current), set(previous)
    if not a and not b:
        return 1.0
    return len(a & b) / max(len(a), len(b))


class LocalBackend:
    kind = "local"

    def __init__(self, paths: Paths, db: Database, files: FileStore, engine: Engine, ports: LocalScreeningPorts,
                 *, site_id: str, user_id: str, provider_settings: ProviderSettings,
                 policy_profile: str | None, count_free_providers: bool, clock: Callable[[], datetime]) -> None:
        self.paths = paths
        self.db = db
        self.files = files
        self.engine = engine
        self.ports = ports
        self.site_id = site_id
        self.user_id = user_id
        self.provider_settings = provider_settings
        self.policy_profile = policy_profile
        self.count_free_providers = count_free_providers
        self._clock = clock
        self._tracker: asyncio.Task[None] | None = None
        self._track_pending: list[EngineEvent] = []  # engine events not yet in ai_workflow_runs
        self._track_events: Subscription | None = None
        self.notifications: list[Callable[[str, Evaluation], None]] = []

    # -- lifecycle ------------------------------------------------------------------------------
    @classmethod
    async def open(
        cls, paths: Paths, *, site_id: str = "site_demo", user_id: str = "agent@leaselab.local",
        provider_settings: ProviderSettings | None = None, secrets: SecretStore | None = None,
        load_demo: bool = True, max_concurrency: int = 8, policy_profile: str | None = None,
        count_free_providers: bool = False, clock: Callable[[], datetime] = utcnow,
        allow_unencrypted: bool = False,
    ) -> LocalBackend:
        paths.ensure()
        await asyncio.to_thread(check_data_layout, DataLayout.of(paths))
        analyses_dir = paths.cache_dir / "document-analyses"
        sealer = await asyncio.to_thread(open_sealer, paths.data_dir, paths.files_dir, analyses_dir,
                                         secrets or SecretStore(), allow_unencrypted=allow_unencrypted)
        files = FileStore(paths.files_dir, sealer=sealer)
        analyses = AnalysisStore(analyses_dir, sealer=sealer)
        db = await asyncio.to_thread(Database.open, paths.database)
        demo_loaded = 0
        try:
            if load_demo:
                from leaselab_desktop.backends.demo_loader import load_demo as load

                def maybe_load(c: Any) -> int:
                    if c.execute("SELECT count(*) FROM sites").fetchone()[0]:
                        return 0
                    return load(c, files)

                demo_loaded = await db.write(maybe_load)
            settings = provider_settings or ProviderSettings()
            backend_holder: list[LocalBackend] = []
            ports = LocalScreeningPorts(db, files, settings, secrets or SecretStore(),
                                        notify=lambda s, lead, ev: backend_holder[0]._notify(lead, ev), clock=clock,
                                        analyses=analyses, sealer=sealer)
            engine = Engine(paths.engine_database, workflows={WORKFLOW_NAME: EvaluationWorkflow(ports)},
                            max_concurrency=max_concurrency)
        except BaseException:
            db.close()
            raise
        self = cls(paths, db, files, engine, ports, site_id=site_id, user_id=user_id, provider_settings=settings,
                   policy_profile=policy_profile, count_free_providers=count_free_providers, clock=clock)
        backend_holder.append(self)
        if demo_loaded:  # the demo's documents arrived just now: analyse them as at any intake
            ports.analyse_at_intake(await db.read(lambda c: [
                (f, files.path(f.r2_key or "")) for f in map(LeadFile.model_validate, map(dict, c.execute(
                    "SELECT * FROM lead_files ORDER BY lead_id, uploaded_at, id")))]))
        self._tracker = asyncio.ensure_future(self._track_runs())
        try:
            await engine.start()  # resumes runs a crash or quit left unfinished
            await self._reconcile_runs()
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
        if self._tracker is not None:
            self._tracker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tracker
            self._tracker = None
        await self.engine.close()
        self.ports.close()
        self.db.close()

    def _notify(self, lead_id: str, ev: Evaluation) -> None:
        for cb in list(self.notifications):
            try:
                cb(lead_id, ev)
            except Exception:  # a listener never breaks a run
                log.exception("notification listener failed")

    # -- run bookkeeping (engine events → ai_workflow_runs) ---------------------------------------
    async def _track_runs(self) -> None:
        """Engine events → ai_workflow_runs. The events of a short moment are written in one
        transaction (in order; a step superseded by the next one of the same run is skipped), so
        that bookkeeping never puts a small transaction per step ahead of a run's own writes on
        the store's one writer thread. watch_run does not depend on it (it follows the engine)."""
        loop = asyncio.get_running_loop()
        events = self._track_events = self.engine.subscribe()
        first = 0.0
        try:
            async for ev in events:
                if self._track(ev) == 1:
                    first = loop.time()
                if not self._track_pending or events.backlog:
                    continue  # more of the burst is queued: take it first
                wait = first + TRACK_GATHER_S - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    if events.backlog:
                        continue
                await self._flush_tracking()
        finally:
            # closing or cancelled: what was seen is still written
            await asyncio.shield(self._flush_tracking())
            self._track_events = None
            await events.aclose()

    def _track(self, ev: EngineEvent) -> int:
        """Gather one event if it concerns run rows; returns how many are gathered now."""
        if ev.workflow in (None, WORKFLOW_NAME) and (
                ev.kind == "status" or ev.kind in ("step.started", "step.retrying")):
            self._track_pending.append(ev)
        return len(self._track_pending)

    async def _flush_tracking(self) -> None:
        """Write every event published so far now: before an explicit change of a run row (retry,
        terminate), so that a late event of the run's previous life is not applied after it."""
        if self._track_events is not None:
            for ev in self._track_events.drain():  # published, not yet taken by the tracker
                self._track(ev)
        batch, self._track_pending = self._track_pending, []
        if batch:
            await self._record_events(batch)

    async def _record_events(self, batch: list[EngineEvent]) -> None:
        last_step = {ev.instance_id: i for i, ev in enumerate(batch) if ev.kind != "status"}

        def tx(c: Any) -> None:
            for i, ev in enumerate(batch):
                try:
                    if ev.kind == "status":
                        self._apply_status(c, ev.instance_id, str(ev.status), ev.error)
                    elif last_step.get(ev.instance_id) == i:
                        self._apply_step(c, ev.instance_id, ev.step)
                except sqlite3.Error:
                    raise  # the transaction is gone: logged below for the whole batch
                except Exception:
                    log.exception("could not record run event %s", ev)

        try:
            await self.db.write(tx)
        except Exception:
            log.exception("could not record %d run event(s)", len(batch))

    @staticmethod
    def _apply_step(c: Any, instance_id: str, step: str | None) -> None:
        c.execute("UPDATE ai_workflow_runs SET current_step = ? WHERE instance_id = ? "
                  "AND status NOT IN ('complete', 'errored', 'terminated')", (step, instance_id))

    async def _record_status(self, instance_id: str, status: str, error: Any) -> None:
        await self.db.write(lambda c: self._apply_status(c, instance_id, status, error))

    @staticmethod
    def _apply_status(c: Any, instance_id: str, status: str, error: Any) -> None:
        fields: dict[str, Any] = {"status": status}
        if status in ("complete", "errored", "terminated"):
            fields["completed_at"] = leads_repo.now_iso()
            fields["current_step"] = None
        if status == "complete":
            fields["evaluation_id"] = f"ev_{instance_id}"
        run = c.execute("SELECT lead_id, site_id, current_step, status FROM ai_workflow_runs "
                        "WHERE instance_id = ?", (instance_id,)).fetchone()
        if run is None:
            return
        if status not in ("complete", "errored", "terminated") and run["status"] in (
                "complete", "errored", "terminated"):
            return  # a late event must not reopen a finished run (retry_run requeues explicitly)
        if status == "errored" and run["status"] != "errored":  # not already recorded by the workflow
            name = (error or {}).get("name", "Error") if isinstance(error, dict) else "Error"
            msg = (error or {}).get("message", str(error)) if isinstance(error, dict) else str(error)
            fields["error_name"], fields["error_message"] = name, msg
            runs_repo.record_error(c, instance_id=instance_id, lead_id=run["lead_id"], site_id=run["site_id"],
                                   step=run["current_step"], name=name, message=msg)
        runs_repo.update_run(c, instance_id, **fields)
        if status in ("errored", "terminated"):
            # a run that ended outside the workflow (lost to a kill before it started, terminated)
            # leaves its lead as the workflow's own failure path does, unless another run is open
            c.execute("UPDATE leads SET status = 'documents_received' WHERE id = ? AND site_id = ? "
                      "AND status = 'ai_evaluating' AND NOT EXISTS (SELECT 1 FROM ai_workflow_runs "
                      "WHERE lead_id = ? AND status IN ('queued', 'running', 'waiting', 'paused'))",
                      (run["lead_id"], run["site_id"], run["lead_id"]))

    async def _reconcile_runs(self) -> None:
        rows = await self.db.read(runs_repo.unfinished_runs)
        wf = self.engine.workflow(WORKFLOW_NAME)
        for row in rows:
            try:
                st = await (await wf.get(row["instance_id"])).status()
            except Exception:
                st = {"status": "errored", "error": {"name": "Lost", "message": (
                    "The app stopped before this evaluation started; nothing was evaluated. Start it again.")}}
            if st["status"] != row["status"]:
                await self._record_status(row["instance_id"], st["status"], st.get("error"))

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
        month = usage_repo.month_of(self._clock())
        return await self.db.read(lambda c: usage_repo.usage(c, self.site_id, month))

    async def health(self) -> Health:
        return Health(state="online", last_contact=self._clock(), detail="Embedded local executor")

    async def list_properties(self) -> list[Property]:
        return await self.db.read(lambda c: leads_repo.list_properties(c, self.site_id))

    async def list_units(self, property_id: str) -> list[Unit]:
        return await self.db.read(lambda c: leads_repo.list_units(c, self.site_id, property_id))

    # -- runs ------------------------------------------------------------------------------------
    async def _counts_quota(self) -> bool:
        return self.count_free_providers or provider_costs_money(self.provider_settings)

    async def start_evaluation(self, lead_id: str, force: bool = False, reason: str | None = None) -> RunTicket:
        if force and not (reason and reason.strip()):
            raise errors.InvalidRequest("A forced re-evaluation needs a reason.")
        month = usage_repo.month_of(self._clock())
        counts = await self._counts_quota()
        instance_id = f"run_{uuid.uuid4().hex[:16]}"
        provider = self.provider_settings.kind

        def admit(c: Any) -> tuple[str, str, Usage]:
            # One write transaction: checks and the run row cannot interleave with another start.
            lead = leads_repo.get_lead(c, self.site_id, lead_id)
            if lead is None:
                raise errors.NotFound(f"Lead {lead_id} was not found in this site.")
            active = runs_repo.active_run(c, self.site_id, lead_id)
            if active is not None:
                raise errors.AlreadyRunning(f"An evaluation of {lead.full_name} is already running.",
                                            run_id=active["instance_id"])
            last = evals_repo.latest_file_hashes(c, self.site_id, lead_id)
            if last is not None and not force:
                current = [f.sha256 or "" for f in files_repo.list_files(c, self.site_id, lead_id)]
                if overlap(current, last[0]) >= DUPLICATE_THRESHOLD:
                    when = parse_timestamp(last[2])
                    raise errors.DuplicateDocuments(
                        f"The documents of {lead.full_name} have not changed since the last evaluation"
                        f" on {when:%Y-%m-%d %H:%M} UTC. Force a re-evaluation with a reason if needed.",
                        last_evaluation_id=last[1], last_evaluated_at=when, can_force=True)
            if counts and usage_repo.try_consume(c, self.site_id, month) is None:
                u = usage_repo.usage(c, self.site_id, month)
                raise errors.QuotaExceeded(
                    f"You have reached your monthly AI evaluation limit ({u.evaluation_count}/{u.quota_limit}).",
                    usage=u)
            _, profile = leads_repo.site_tier(c, self.site_id)
            ts = runs_repo.insert_run(c, instance_id=instance_id, site_id=self.site_id, lead_id=lead_id,
                                      requested_by=self.user_id, force_reason=reason if force else None,
                                      provider=provider)
            leads_repo.set_lead_status(c, self.site_id, lead_id, "ai_evaluating")
            # the ticket's usage as this transaction leaves it (no second round trip to the store)
            return ts, self.policy_profile or profile, usage_repo.usage(c, self.site_id, month)

        queued_at, profile, usage = await self.db.write(admit)
        req = EvaluationRequest(site_id=self.site_id, lead_id=lead_id, requested_by=self.user_id,
                                force_reason=reason if force else None, provider=provider, policy_profile=profile)
        try:
            await self.engine.workflow(WORKFLOW_NAME).create(id=instance_id, params=req.payload())
        except BaseException:
            def undo(c: Any) -> None:  # the run could not start: give the quota unit back
                runs_repo.delete_run(c, instance_id)
                if counts:
                    usage_repo.give_back(c, self.site_id, month)
            await self.db.write(undo)
            raise
        return RunTicket(run_id=instance_id, lead_id=lead_id, status="queued", requested_at=queued_at,  # type: ignore[arg-type]
                         usage=usage)

    async def _run_row(self, run_id: str) -> Any:
        row = await self.db.read(lambda c: runs_repo.get_run(c, self.site_id, run_id))
        if row is None:
            raise errors.NotFound(f"Run {run_id} was not found.")
        return row

    async def get_run(self, run_id: str) -> RunSnapshot:
        return await self._snapshot(await self._run_row(run_id))

    async def _snapshot(self, row: Any) -> RunSnapshot:
        handle = await self.engine.workflow(WORKFLOW_NAME).get(row["instance_id"])
        return build_snapshot(row, await handle.status(), await handle.steps())

    async def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        row = await self._run_row(run_id)
        events = self.engine.subscribe(instance_id=run_id)
        try:
            last = await self._snapshot(row)
            yield last
            if last.finished:
                return
            async for _ev in events:
                if events.backlog:
                    continue  # a burst of events: one snapshot for the newest is enough
                snap = await self._snapshot(row)
                if snap != last:
                    last = snap
                    yield snap
                if snap.finished:
                    return
        finally:
            await events.aclose()

    async def active_run(self, lead_id: str) -> RunSnapshot | None:
        row = await self.db.read(lambda c: runs_repo.active_run(c, self.site_id, lead_id))
        return await self.get_run(row["instance_id"]) if row is not None else None

    async def terminate_run(self, run_id: str) -> None:
        from leaselab_desktop.engine import InvalidTransition

        await self._run_row(run_id)
        await self._flush_tracking()
        handle = await self.engine.workflow(WORKFLOW_NAME).get(run_id)
        try:
            await handle.terminate()
        except InvalidTransition as exc:
            raise errors.InvalidRequest("This run has already finished.") from exc
        await self._record_status(run_id, "terminated", None)

    async def retry_run(self, run_id: str) -> RunTicket:
        """Restart an errored or terminated run from its failed step; earlier steps keep their results."""
        row = await self._run_row(run_id)
        snap = await self.get_run(run_id)
        if not snap.can_retry:
            raise errors.InvalidRequest("Only a failed or terminated run can be retried.")
        failed = next((s.name for s in snap.steps if s.status in ("errored", "running", "retrying")), None)
        await self._flush_tracking()
        await self.db.write(lambda c: runs_repo.update_run(c, run_id, status="queued", error_name=None,
                                                           error_message=None, completed_at=None))
        await (await self.engine.workflow(WORKFLOW_NAME).get(run_id)).restart(from_step=failed)
        return RunTicket(run_id=run_id, lead_id=row["lead_id"], status="queued", requested_at=row["queued_at"])

    async def override(self, evaluation_id: str, recommendation: str, reason: str) -> Override:
        from leaselab_desktop.domain.vocab import RECOMMENDATIONS

        if recommendation not in RECOMMENDATIONS:
            raise errors.InvalidRequest(f"Unknown recommendation {recommendation!r}.")
        if not reason or not reason.strip():
            raise errors.InvalidRequest("An override needs a reason.")

        def tx(c: Any) -> Override:
            ev = evals_repo.get_evaluation(c, self.site_id, evaluation_id)
            if ev is None:
                raise errors.NotFound(f"Evaluation {evaluation_id} was not found.")
            return evals_repo.add_override(c, self.site_id, ev, recommendation, reason, self.user_id)

        return await self.db.write(tx)

    # -- intake ----------------------------------------------------------------------------------
    async def create_lead(self, new: NewLead) -> Lead:
        def tx(c: Any) -> str:
            props = {p.id for p in leads_repo.list_properties(c, self.site_id)}
            if new.property_id not in props:
                raise errors.InvalidRequest(f"Property {new.property_id} is not in this site.")
            if new.unit_id and new.unit_id not in {u.id for u in leads_repo.list_units(c, self.site_id,
                                                                                        new.property_id)}:
                raise errors.InvalidRequest(f"Unit {new.unit_id} is not in property {new.property_id}.")
            return leads_repo.insert_lead(c, self.site_id, new)

        return await self.get_lead(await self.db.write(tx))

    async def attach_file(self, lead_id: str, path: Path, file_type: str = "other") -> LeadFile:
        from leaselab_desktop.screening.documents.filestore import FileTooLarge

        await self.get_lead(lead_id)
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if size > self.files.limits.max_bytes:
            raise errors.InvalidRequest(str(FileTooLarge(size, self.files.limits.max_bytes)))
        data = await asyncio.to_thread(path.read_bytes)
        return await self.attach_bytes(lead_id, path.name, data, file_type)

    async def attach_bytes(self, lead_id: str, name: str, data: bytes, file_type: str = "other") -> LeadFile:
        from leaselab_desktop.screening.documents.filestore import FileTooLarge

        try:
            stored = await asyncio.to_thread(self.files.put, lead_id, name, data)
        except FileTooLarge as exc:
            raise errors.InvalidRequest(str(exc)) from exc
        import mimetypes

        f = LeadFile(id=f"file_{uuid.uuid4().hex[:12]}", lead_id=lead_id, file_type=file_type, file_name=name,
                     file_size=stored.size, mime_type=mimetypes.guess_type(name)[0], r2_key=stored.key,
                     sha256=stored.sha256, md5=stored.md5, uploaded_at=self._clock())

        def tx(c: Any) -> None:
            files_repo.insert_file(c, self.site_id, f)
            c.execute("UPDATE leads SET status = CASE WHEN status IN ('new','documents_pending') "
                      "THEN 'documents_received' ELSE status END, updated_at = ? WHERE id = ? AND site_id = ?",
                      (leads_repo.now_iso(), lead_id, self.site_id))
            leads_repo.add_history(c, self.site_id, lead_id, "document_attached",
                                   {"file_id": f.id, "name": name, "sha256": stored.sha256}, self.user_id)

        await self.db.write(tx)
        self.ports.analyse_at_intake([(f, self.files.path(stored.key))])
        return f
