"""Engine events → run records, gathered: the events of a short moment are written in one
transaction (in order; a step superseded by the next one of the same run is skipped), so that
bookkeeping never puts a small transaction per step ahead of a run's own writes on the store's one
writer thread. Following a run does not depend on it (followers read the engine)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3

from leaselab_desktop.application import run_records
from leaselab_desktop.engine import Engine, EngineEvent
from leaselab_desktop.engine.events import Subscription
from leaselab_desktop.store import Database

log = logging.getLogger(__name__)
GATHER_S = 0.025  # run bookkeeping is written at most this late, in one transaction per burst


class RunTracker:
    def __init__(self, engine: Engine, db: Database, workflow: str) -> None:
        self._engine = engine
        self._db = db
        self._workflow = workflow
        self._pending: list[EngineEvent] = []  # engine events not yet in the run records
        self._events: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._events = self._engine.subscribe()  # subscribed now: no event of a start is missed
        self._task = asyncio.ensure_future(self._follow(self._events))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _follow(self, events: Subscription) -> None:
        loop = asyncio.get_running_loop()
        first = 0.0
        try:
            async for ev in events:
                if self._gather(ev) == 1:
                    first = loop.time()
                if not self._pending or events.backlog:
                    continue  # more of the burst is queued: take it first
                wait = first + GATHER_S - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    if events.backlog:
                        continue
                await self.flush()
        finally:
            # closing or cancelled: what was seen is still written
            await asyncio.shield(self.flush())
            self._events = None
            await events.aclose()

    def _gather(self, ev: EngineEvent) -> int:
        """Gather one event if it concerns run records; returns how many are gathered now."""
        if ev.workflow in (None, self._workflow) and ev.kind in ("status", "step.started", "step.retrying"):
            self._pending.append(ev)
        return len(self._pending)

    async def flush(self) -> None:
        """Write every event published so far now: before an explicit change of a run record
        (retry, terminate), so that a late event of the run's earlier life is not applied after it."""
        if self._events is not None:
            for ev in self._events.drain():  # published, not yet taken by the follower
                self._gather(ev)
        batch, self._pending = self._pending, []
        if batch:
            await self._write(batch)

    async def _write(self, batch: list[EngineEvent]) -> None:
        last_step = {ev.instance_id: i for i, ev in enumerate(batch) if ev.kind != "status"}

        def tx(c: sqlite3.Connection) -> None:
            for i, ev in enumerate(batch):
                try:
                    if ev.kind == "status":
                        run_records.status_changed(c, ev.instance_id, str(ev.status), ev.error)
                    elif last_step.get(ev.instance_id) == i:
                        run_records.step_started(c, ev.instance_id, ev.step)
                except sqlite3.Error:
                    raise  # the transaction is gone: logged below for the whole batch
                except Exception:
                    log.exception("could not record run event %s", ev)

        try:
            await self._db.write(tx)
        except Exception:
            log.exception("could not record %d run event(s)", len(batch))
