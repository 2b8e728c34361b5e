"""Mechanics shared by the engine and ``WorkflowStep``: time, writes, events, slots, pausing."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable
from typing import Any, TypeVar

from leaselab_desktop.engine import repo
from leaselab_desktop.engine.clock import Clock
from leaselab_desktop.engine.events import EngineEvent, EventHub, EventKind
from leaselab_desktop.engine.records import Run
from leaselab_desktop.engine.writer import Op, Writer

T = TypeVar("T")


class Suspended(BaseException):
    """Unwinds ``run()`` at a step boundary after a pause was requested (not an error)."""


class Runtime:
    def __init__(self, clock: Clock, writer: Writer, hub: EventHub, max_concurrency: int) -> None:
        self.clock = clock
        self.writer = writer
        self.hub = hub
        self.max_concurrency = max_concurrency
        self._active = 0
        self._slot_queue: deque[tuple[Run, asyncio.Future[None]]] = deque()

    # -- time, storage, events ------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.time()

    def write(self, op: Op) -> None:
        self.writer.submit(op)

    async def durable(self, op: Op) -> Any:
        return await self.writer.call(op)

    def commit_step(self, run: Run, op: Op, step: str, attempt: int) -> None:
        """Write a step's result; ``settle`` waits for it, and ``step.completed`` follows it."""
        fut = self.writer.submit(op, wait=True)
        assert fut is not None
        run.durable = fut

        def done(f: asyncio.Future[Any]) -> None:
            if not f.cancelled() and f.exception() is None:
                self.emit("step.completed", run, step=step, attempt=attempt)

        fut.add_done_callback(done)

    async def settle(self, run: Run) -> None:
        """Wait until the last step result of this instance is committed."""
        fut = run.durable
        if fut is not None:
            run.durable = None
            await fut  # if this task is cancelled meanwhile, the write still happens

    def emit(
        self, kind: EventKind, run: Run, *, step: str | None = None, attempt: int | None = None,
        status: str | None = None, error: dict[str, str] | None = None,
    ) -> None:
        if self.hub.active:
            self.hub.publish(
                EngineEvent(kind, run.id, run.workflow, self.now(), step, attempt, status, error)
            )

    def set_status(self, run: Run, status: str) -> None:
        if run.status != status and not run.ending:  # a pause racing the final write is too late
            run.status = status
            self.write(repo.update_instance(run, self.now()))
            self.emit("status", run, status=status)

    # -- pausing ----------------------------------------------------------------------------------
    def checkpoint(self, run: Run) -> None:
        if run.pause_requested:
            raise Suspended()

    async def pausable(self, run: Run, awaitable: Awaitable[T]) -> T:
        """Await something the engine owns; a pause may cancel the task while it waits."""
        run.interruptible += 1
        try:
            return await awaitable
        finally:
            run.interruptible -= 1

    async def waiting(self, run: Run, awaitable: Awaitable[T]) -> T:
        """A sleep or an event wait: reported ``waiting``, holds no concurrency slot."""
        self.release_slot(run)
        self.set_status(run, "waiting")
        result = await self.pausable(run, awaitable)
        await self.acquire_slot(run)
        self.set_status(run, "running")
        return result

    # -- concurrency --------------------------------------------------------------------------
    @property
    def active(self) -> int:
        return self._active

    async def acquire_slot(self, run: Run) -> None:
        if run.holds_slot:
            return
        if self._active < self.max_concurrency and not self._slot_queue:
            self._active += 1
            run.holds_slot = True
            return
        self.set_status(run, "queued")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._slot_queue.append((run, fut))
        await self.pausable(run, fut)

    def release_slot(self, run: Run) -> None:
        if not run.holds_slot:
            return
        run.holds_slot = False
        while self._slot_queue:
            waiter, fut = self._slot_queue.popleft()
            if fut.done():
                continue
            waiter.holds_slot = True
            fut.set_result(None)
            return
        self._active -= 1



    async def durable_atomic(self, op: Op) -> Any:
        return await self.writer.call(op, atomic=True)
