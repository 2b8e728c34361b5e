"""Reading one run (a workflow instance or a job) from the server, with the offline cache behind it.

This is what the run followers (``followups.py``) are given: they never reach into the backend.
"""

from __future__ import annotations

import asyncio
import random

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare.client import Answer, Clock, GenericNotFound, OpsClient, Sleep
from leaselab_desktop.backends.cloudflare.polling import StepTimings
from leaselab_desktop.backends.cloudflare.session import MISSING, ServerSession
from leaselab_desktop.backends.cloudflare.wire import answer_data, run_snapshot, seg
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot

WORKFLOW_PATH = "/api/ops/ai-workflows/"
JOB_PATH = "/api/ops/ai-evaluation-jobs/"


class RunReader:
    """A site's runs on one server; also the polling settings and learned timings that following
    them uses."""

    def __init__(
        self, session: ServerSession, *, polling: PollingSettings, sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.session = session
        self.polling = polling
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.step_timings = StepTimings()  # learned step durations, shared by every watch

    @property
    def api(self) -> OpsClient:
        return self.session.api

    @property
    def clock(self) -> Clock:
        return self.session.clock

    def kind(self, run_id: str) -> str | None:
        """``workflow`` or ``job`` when known from the cache, the id or the server; else None."""
        s = self.session
        held = s.cache.run(s.site_id, run_id)
        if held is not None:
            return held.kind
        if fl.from_run_id(run_id) is fl.Flavour.JOB or s.flavour is fl.Flavour.JOB:
            return "job"
        return "workflow" if s.flavour is fl.Flavour.WORKFLOW else None

    async def fetch(self, run_id: str) -> tuple[RunSnapshot, bool]:
        """One read from the server (with ETag); the snapshot and whether it was a 304."""
        kind = self.kind(run_id)
        answer: Answer | None = None
        if kind in (None, "workflow"):
            try:
                answer = await self.api.get(WORKFLOW_PATH + seg(run_id), use_etag=True)
                kind = "workflow"
            except GenericNotFound:
                if kind == "workflow":
                    raise
                kind = "job"  # no workflow route: a deployed worker
        if answer is None:
            answer = await self.api.get(JOB_PATH + seg(run_id))
        self.session.observe(fl.Flavour.JOB if kind == "job" else fl.Flavour.WORKFLOW)
        snap = run_snapshot(answer_data(answer), kind)
        if not answer.not_modified:
            self.remember(snap)
        self.session.fresh()
        return snap, answer.not_modified

    def remember(self, snap: RunSnapshot) -> None:
        s = self.session
        s.cache.put_run(s.site_id, snap)
        if snap.output is not None and snap.lead_id:
            s.cache.put_latest(s.site_id, snap.lead_id, snap.output)

    def streamed(self, snap: RunSnapshot) -> None:
        """A workflow run as the run stream delivered it."""
        self.session.observe(fl.Flavour.WORKFLOW)
        self.remember(snap)
        self.session.fresh()

    async def get(self, run_id: str) -> RunSnapshot:
        """The run now, or as last seen while the server is away."""
        s = self.session

        async def fetch() -> RunSnapshot:
            return (await self.fetch(run_id))[0]

        return await s.read(fetch, lambda: s.cache.run(s.site_id, run_id) or MISSING)
