"""The binding (``engine.workflow(name)``) and instance handles, as in Cloudflare Workflows."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from leaselab_desktop.engine import repo
from leaselab_desktop.engine.errors import (
    InstanceNotFound,
    InvalidPayload,
    InvalidTransition,
)
from leaselab_desktop.engine.records import FINISHED, PendingEvent, Run
from leaselab_desktop.engine.runtime import Runtime
from leaselab_desktop.engine.serial import EncodeError, encode

MAX_BATCH = 100
T = TypeVar("T")


class EngineControl(Protocol):
    """What bindings and handles may ask of the engine (``Engine`` provides it; tests may fake it)."""

    @property
    def rt(self) -> Runtime: ...

    @property
    def reader(self) -> sqlite3.Connection: ...

    def live_run(self, instance_id: str) -> Run | None:
        """The unfinished instance in memory, if any."""

    def held_run(self, instance_id: str) -> Run | None:
        """The instance in memory, unfinished or just finished, if any."""

    def lookup(self, instance_id: str, workflow: str | None = None, *, stored: bool = False) -> Run:
        """The instance (``stored``: as on disk, not a finished one held in memory)."""

    def readmit(self, run: Run) -> None:
        """Take ``run`` back among the unfinished instances (a restart)."""

    async def read(self, fn: Callable[..., T], *args: Any) -> T: ...

    async def create_instances(self, workflow: str, items: list[dict[str, Any]]) -> list[str]: ...

    def launch(self, run: Run) -> None: ...

    async def finish(self, run: Run, status: str) -> None: ...


class WorkflowBinding:
    def __init__(self, engine: EngineControl, name: str) -> None:
        self._engine = engine
        self.name = name

    async def create(self, id: str | None = None, params: Any = None) -> InstanceHandle:
        """Persist a new instance (status ``queued``) and start it. Returns once it is durable."""
        ids = await self._engine.create_instances(self.name, [{"id": id, "params": params}])
        return InstanceHandle(self._engine, ids[0])

    async def create_batch(self, items: list[dict[str, Any]]) -> list[InstanceHandle]:
        """Up to 100 instances, all or none: a duplicate or bad id refuses the whole batch."""
        if not isinstance(items, list | tuple):
            raise InvalidPayload("create_batch takes a list of {'id', 'params'} dicts")
        if len(items) > MAX_BATCH:
            raise InvalidPayload(f"create_batch takes at most {MAX_BATCH} instances, got {len(items)}")
        if not items:
            return []
        ids = await self._engine.create_instances(self.name, list(items))
        return [InstanceHandle(self._engine, i) for i in ids]

    async def get(self, id: str) -> InstanceHandle:
        run = self._engine.lookup(id, self.name)
        return InstanceHandle(self._engine, run.id)


class InstanceHandle:
    def __init__(self, engine: EngineControl, instance_id: str) -> None:
        self._engine = engine
        self.id = instance_id

    def __repr__(self) -> str:
        return f"InstanceHandle({self.id!r})"

    def _live(self, action: str) -> Run:
        run = self._engine.live_run(self.id)
        if run is not None:
            return run
        stored = self._engine.lookup(self.id)
        raise InvalidTransition(f"instance {self.id!r} is {stored.status}; it cannot {action}")

    async def status(self) -> dict[str, Any]:
        """``{status, error: {name, message} | None, output}``."""
        run = self._engine.held_run(self.id)
        if run is None:
            run = await self._engine.read(repo.read_instance, self.id)
        if run is None:
            raise InstanceNotFound(f"no workflow instance {self.id!r}")
        return run.status_dict()

    async def steps(self) -> list[dict[str, Any]]:
        """Per-step details in execution order (Cloudflare's REST shape, plus ``occurrence``)."""
        run = self._engine.held_run(self.id)
        if run is not None:
            return [s.details() for s in run.ordered_steps()]
        if await self._engine.read(repo.read_instance, self.id) is None:
            raise InstanceNotFound(f"no workflow instance {self.id!r}")
        return [s.details() for s in await self._engine.read(repo.read_steps, self.id)]

    async def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """Until the instance is complete, errored or terminated; returns its status."""
        run = self._engine.live_run(self.id)
        if run is not None and run.status not in FINISHED:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            run.finished_waiters.append(fut)
            try:
                await asyncio.wait_for(fut, timeout)
            finally:
                if fut in run.finished_waiters:
                    run.finished_waiters.remove(fut)
        return await self.status()

    async def pause(self) -> None:
        engine, rt = self._engine, self._engine.rt
        run = self._live("be paused")
        if run.status in ("paused", "waitingForPause"):
            return
        task = run.task
        if task is not None and not task.done() and run.interruptible > 0:
            run.cancel_reason = "pause"
            task.cancel()
            await asyncio.wait({task})
        elif task is not None and not task.done():
            run.pause_requested = True
            rt.set_status(run, "waitingForPause")
        if run.status not in FINISHED and (task is None or task.done()):
            rt.release_slot(run)
            rt.set_status(run, "paused")
        await engine.rt.writer.barrier()

    async def resume(self) -> None:
        engine, rt = self._engine, self._engine.rt
        run = self._live("be resumed (use restart)")
        if run.status == "waitingForPause":
            run.pause_requested = False
            rt.set_status(run, "running")
        elif run.status == "paused":
            rt.set_status(run, "queued")
            engine.launch(run)
        await rt.writer.barrier()

    async def terminate(self) -> None:
        engine = self._engine
        run = self._live("be terminated")
        task = run.task
        if task is not None and not task.done():
            run.cancel_reason = "terminate"
            task.cancel()
            await asyncio.wait({task})
        if run.status not in FINISHED:
            await engine.finish(run, "terminated")

    async def restart(self, from_step: str | None = None) -> None:
        """Run again from the start, or from the first step named ``from_step``: the results of
        the steps before it are kept and replayed, the rest are run again."""
        engine, rt = self._engine, self._engine.rt
        run = engine.live_run(self.id)
        if run is None:  # restarted from what is stored, as after a restart of the app
            run = engine.lookup(self.id, stored=True)
            for rec in repo.read_steps(engine.reader, self.id):
                run.steps[(rec.name, rec.occurrence)] = rec
            run.events = repo.read_pending_events(engine.reader, self.id)
        cut = 0
        if from_step is not None:
            matches = [s.ord for s in run.steps.values() if s.name == from_step]
            if not matches:
                names = [s.name for s in run.ordered_steps()]
                raise InvalidTransition(
                    f"instance {self.id!r} has no step named {from_step!r} to restart from "
                    f"(its steps: {names})"
                )
            cut = min(matches)
        task = run.task
        if task is not None and not task.done():
            run.cancel_reason = "restart"
            task.cancel()
            await asyncio.wait({task})
        rt.release_slot(run)
        run.steps = {k: s for k, s in run.steps.items() if s.ord < cut}
        run.status, run.error, run.output = "queued", None, None
        run.ended_at = run.started_at = None
        run.restarts += 1
        engine.readmit(run)
        rt.write(repo.delete_steps(self.id, cut))
        await rt.durable(repo.update_instance(run, rt.now()))
        rt.emit("status", run, status="queued")
        engine.launch(run)

    async def send_event(self, type: str, payload: Any = None) -> None:
        """Deliver an event; a ``wait_for_event`` of this type receives it (now or later)."""
        if not isinstance(type, str) or not type:
            raise InvalidPayload("an event needs a non-empty type")
        try:
            text = encode(payload, f"the payload of event {type!r}")
        except EncodeError as exc:
            raise InvalidPayload(str(exc)) from None
        rt = self._engine.rt
        run = self._live("receive events")
        event = PendingEvent(uuid.uuid4().hex, type, json.loads(text), rt.now())
        await rt.durable(repo.insert_event(self.id, event, text))
        run.events.append(event)
        for bell in run.event_waiters.get(type, []):
            if not bell.done():
                bell.set_result(None)
