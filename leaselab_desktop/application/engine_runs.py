"""Evaluation runs on the embedded engine: admission, start, follow, terminate, retry, listing.

Where interrupted runs resume: a run left unfinished by a process that ended (a quit, a crash, a
killed CLI) resumes only in a process that stays to finish it: the console (it opens the engine
with ``resume=True``), or a command that follows that run (``follow``, ``evaluate`` on its lead,
``retry``). A short command (``leads``, ``runs``) opens the engine with ``resume=False`` and never
restarts a step it would abandon when it exits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leaselab_desktop.application import admission, run_records
from leaselab_desktop.application.run_tracker import RunTracker
from leaselab_desktop.backends import errors
from leaselab_desktop.backends.local_runs import build_snapshot
from leaselab_desktop.domain.models import RunSnapshot, RunTicket, Usage
from leaselab_desktop.domain.run_ids import new_run_id
from leaselab_desktop.domain.timefmt import parse_timestamp
from leaselab_desktop.engine import Engine, InstanceNotFound, InvalidTransition
from leaselab_desktop.screening.workflow import WORKFLOW_NAME, EvaluationRequest
from leaselab_desktop.store import Database
from leaselab_desktop.store import leads as leads_repo
from leaselab_desktop.store import runs as runs_repo
from leaselab_desktop.store import usage as usage_repo

LOST = "Lost"  # a run admitted, but its engine instance was never created (the app stopped in between)
LOST_MESSAGE = "The app stopped before this evaluation started; nothing was evaluated. Start it again."


def _unborn_words(row: sqlite3.Row) -> str:
    """Why a run the engine does not have cannot be stopped or retried, in the agent's words."""
    if row["error_name"] == LOST:
        return "This evaluation never started (the app stopped before it did): there is nothing to stop or " \
               "retry. Start a new evaluation."
    if row["status"] in ("queued", "running"):
        return "This evaluation is still being started; try again in a moment."
    return "This run has already finished."


@dataclass(frozen=True)
class RunPolicy:
    """Who starts runs here, and how they are provided for."""

    site_id: str
    user_id: str
    provider: str
    counts_quota: bool
    # whether a run by a provider kind counts against the quota (a past run's kind; default: the current rule)
    kind_counts: Callable[[str], bool] | None = None
    policy_profile: str | None = None  # this site's override (Settings); None: by the property's region


class EngineRuns:
    def __init__(self, engine: Engine, db: Database, policy: RunPolicy, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.db = db
        self.policy = policy
        self._clock = clock
        self.tracker = RunTracker(engine, db, WORKFLOW_NAME)

    async def start(self, *, resume: bool) -> None:
        """Start the engine (see the module docstring for ``resume``) and bring the run records
        in line with what it found."""
        self.tracker.start()
        await self.engine.start(resume=resume)
        await self._reconcile()

    async def close(self) -> None:
        await self.tracker.close()

    async def _reconcile(self) -> None:
        rows = await self.db.read(runs_repo.unfinished_runs)
        wf = self.engine.workflow(WORKFLOW_NAME)
        for row in rows:
            try:
                st = await (await wf.get(row["instance_id"])).status()
            except InstanceNotFound:
                await self._lost(row)
                continue
            if st["status"] != row["status"]:
                await self._record(row["instance_id"], st["status"], st.get("error"))

    async def _lost(self, row: sqlite3.Row) -> None:
        """Admitted, but the process ended before the engine had the run: it never ran. It ends
        errored, and its quota unit (when this site's runs count) is given back."""
        queued = parse_timestamp(row["queued_at"])
        counted = self.policy.counts_quota and row["provider"] == self.policy.provider and queued is not None
        req = admission.Request(site_id=row["site_id"], lead_id=row["lead_id"], force=False, reason=None,
                                counts_quota=counted, month=usage_repo.month_of(queued) if queued else "")
        error = {"name": LOST, "message": LOST_MESSAGE}

        def tx(c: sqlite3.Connection) -> None:
            run_records.status_changed(c, row["instance_id"], "errored", error)
            admission.give_back(c, req)

        await self.db.write(tx)

    async def _record(self, run_id: str, status: str, error: Any = None) -> None:
        await self.db.write(lambda c: run_records.status_changed(c, run_id, status, error))

    # -- start ---------------------------------------------------------------------------------
    async def start_evaluation(self, lead_id: str, force: bool, reason: str | None) -> RunTicket:
        admission.check_request(force, reason)
        p = self.policy
        req = admission.Request(site_id=p.site_id, lead_id=lead_id, force=force, reason=reason,
                                counts_quota=p.counts_quota, month=usage_repo.month_of(self._clock()))
        run_id = new_run_id()
        forced = reason if force else None

        def admit(c: sqlite3.Connection) -> tuple[str, str | None, str | None, Usage]:
            # One write transaction: the checks and the run record cannot interleave with another start.
            admission.admit(c, req)
            _, site_profile = leads_repo.site_tier(c, p.site_id)
            # 'default' in the site row is the column's default, not a choice: the property decides
            override = p.policy_profile or (site_profile if site_profile != "default" else None)
            region = leads_repo.lead_region(c, p.site_id, lead_id)
            queued_at = run_records.admitted(c, run_id=run_id, site_id=p.site_id, lead_id=lead_id,
                                             requested_by=p.user_id, force_reason=forced, provider=p.provider)
            # the ticket's usage as this transaction leaves it (no second round trip to the store)
            return queued_at, override, region, usage_repo.usage(c, p.site_id, req.month)

        try:
            queued_at, profile, region, usage = await self.db.write(admit)
        except errors.QuotaExceeded as exc:
            exc.usage = await self.usage(req.month)  # the meter keeps showing the free runs
            raise
        params = EvaluationRequest(site_id=p.site_id, lead_id=lead_id, requested_by=p.user_id, force_reason=forced,
                                   provider=p.provider, policy_profile=profile, region=region).payload()
        try:
            await self.engine.workflow(WORKFLOW_NAME).create(id=run_id, params=params)
        except BaseException:
            def undo(c: sqlite3.Connection) -> None:
                run_records.discarded(c, run_id)
                admission.give_back(c, req)
            await self.db.write(undo)
            raise
        # the counter as the transaction left it, with this month's free runs (this one included)
        full = await self.usage(req.month)
        usage = full.model_copy(update={"evaluation_count": usage.evaluation_count, "remaining": usage.remaining,
                                        "percentage": usage.percentage})
        return RunTicket(run_id=run_id, lead_id=lead_id, status="queued", requested_at=queued_at,
                         usage=usage)

    # -- reads ---------------------------------------------------------------------------------
    async def usage(self, month: str) -> Usage:
        """The month's quota use, with the runs that were free (they never touch the counter)."""
        p = self.policy

        def read(c: sqlite3.Connection) -> tuple[Usage, dict[str, int]]:
            return usage_repo.usage(c, p.site_id, month), runs_repo.runs_by_provider(c, p.site_id, month)

        usage, by_kind = await self.db.read(read)
        counts = p.kind_counts or (lambda kind: p.counts_quota if kind == p.provider else True)
        free = {kind: n for kind, n in by_kind.items() if not counts(kind)}
        return usage.model_copy(update={
            "free_count": sum(free.values()),
            "free_providers": [admission.provider_words(k) for k in sorted(free)],
            "current_provider": admission.provider_words(p.provider), "current_counts": p.counts_quota,
            "counting_rule": admission.COUNTING_RULE,
        })

    async def _row(self, run_id: str) -> sqlite3.Row:
        row = await self.db.read(lambda c: runs_repo.get_run(c, self.policy.site_id, run_id))
        if row is None:
            raise errors.NotFound(f"Run {run_id} was not found.")
        return row

    async def _snapshot(self, row: sqlite3.Row) -> RunSnapshot:
        try:
            handle = await self.engine.workflow(WORKFLOW_NAME).get(row["instance_id"])
            status, steps = await handle.status(), await handle.steps()
        except InstanceNotFound:  # purged after the retention period: the record is all there is
            error = {"name": row["error_name"], "message": row["error_message"]} if row["error_message"] else None
            return build_snapshot(row, {"status": row["status"], "error": error}, []).model_copy(
                update={"can_retry": False})
        snap = build_snapshot(row, status, steps)
        if row["instance_id"] in self.engine.dormant:
            snap = snap.model_copy(update={"interrupted": True})
        return snap

    async def get(self, run_id: str) -> RunSnapshot:
        return await self._snapshot(await self._row(run_id))

    async def active(self, lead_id: str) -> RunSnapshot | None:
        row = await self.db.read(lambda c: runs_repo.active_run(c, self.policy.site_id, lead_id))
        return await self._snapshot(row) if row is not None else None

    async def list(self, limit: int) -> list[RunSnapshot]:
        rows = await self.db.read(lambda c: runs_repo.list_runs(c, self.policy.site_id, limit))
        return [await self._snapshot(row) for row in rows]

    async def watch(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        """Follow a run to its end. Following is staying: an interrupted run resumes here."""
        row = await self._row(run_id)
        events = self.engine.subscribe(instance_id=run_id)
        try:
            self.engine.resume([run_id])
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

    # -- control -------------------------------------------------------------------------------
    async def terminate(self, run_id: str) -> None:
        await self._row(run_id)
        await self.tracker.flush()
        try:
            await (await self.engine.workflow(WORKFLOW_NAME).get(run_id)).terminate()
        except InstanceNotFound as exc:  # admitted, but the engine does not have it (yet, or ever)
            raise errors.InvalidRequest(_unborn_words(await self._row(run_id))) from exc
        except InvalidTransition as exc:
            raise errors.InvalidRequest("This run has already finished.") from exc
        await self._record(run_id, "terminated")

    async def retry(self, run_id: str) -> RunTicket:
        """Restart an errored or terminated run from its failed step; earlier steps keep their results."""
        row = await self._row(run_id)
        snap = await self._snapshot(row)
        if not snap.can_retry:
            if snap.error is not None and snap.error.name == LOST:
                raise errors.InvalidRequest(_unborn_words(row))
            raise errors.InvalidRequest("Only a failed or terminated run can be retried.")
        failed = next((s.name for s in snap.steps if s.status in ("errored", "running", "retrying")), None)
        await self.tracker.flush()
        await self.db.write(lambda c: run_records.requeued(c, self.policy.site_id, run_id))
        await (await self.engine.workflow(WORKFLOW_NAME).get(run_id)).restart(from_step=failed)
        return RunTicket(run_id=run_id, lead_id=row["lead_id"], status="queued", requested_at=row["queued_at"])
