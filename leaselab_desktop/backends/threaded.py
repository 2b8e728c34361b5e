"""ThreadedBackend: a backend running on its own thread and asyncio loop, used from another loop.

The console's event loop is Qt's (qasync): every asyncio callback there is a Qt event on the GUI
thread. The local backend drives its durable engine with many small callbacks (50 evaluations at
once are thousands of them) and the Cloudflare backend writes its cache as it reads; on the GUI loop
that work delayed repaints and input. Here the backend lives on a plain asyncio loop in a thread
of its own; the caller's loop only awaits results, and watched runs arrive as ready snapshots.
Everything the inner backend does stays on its one loop, so it needs no locking of its own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendUnavailable
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

T = TypeVar("T")
_END = object()


class ThreadedBackend:
    """Implements the Backend protocol by running each call on the backend's own loop."""

    def __init__(self, inner: Backend, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self.inner = inner
        self._loop = loop
        self._thread = thread
        self.kind = inner.kind
        self._closed = False

    @classmethod
    async def start(cls, open_inner: Callable[[], Awaitable[Backend]], name: str = "backend-loop") -> ThreadedBackend:
        """Start the thread and its loop, open the backend there, and return the adapter."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()

        async def opened() -> Backend:
            return await open_inner()

        opening: concurrent.futures.Future[Backend] | None = None
        try:
            await asyncio.to_thread(ready.wait)
            opening = asyncio.run_coroutine_threadsafe(opened(), loop)
            inner = await asyncio.wrap_future(opening)
        except BaseException:
            # cancelled or failed: close whatever did open, stop the loop, join the thread
            if opening is not None and not opening.cancel() and opening.done() and not opening.cancelled() \
                    and opening.exception() is None:
                with contextlib.suppress(Exception):
                    await _await_on(loop, opening.result().aclose())
            await _stop(loop, thread)
            raise
        return cls(inner, loop, thread)

    async def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._closed:
            coro.close()
            raise RuntimeError("the backend is closed")
        return await _await_on(self._loop, coro)

    # -- reads -----------------------------------------------------------------------------------
    async def list_leads(self, query: LeadQuery) -> LeadPage:
        return await self._call(self.inner.list_leads(query))

    async def list_lead_rows(self, query: LeadQuery) -> LeadRows:
        return await self._call(self.inner.list_lead_rows(query))

    async def get_lead(self, lead_id: str) -> Lead:
        return await self._call(self.inner.get_lead(lead_id))

    async def list_files(self, lead_id: str) -> list[LeadFile]:
        return await self._call(self.inner.list_files(lead_id))

    async def read_file(self, file: LeadFile) -> bytes:
        return await self._call(self.inner.read_file(file))

    async def get_run(self, run_id: str) -> RunSnapshot:
        return await self._call(self.inner.get_run(run_id))

    async def active_run(self, lead_id: str) -> RunSnapshot | None:
        return await self._call(self.inner.active_run(lead_id))

    async def latest_evaluation(self, lead_id: str) -> Evaluation | None:
        return await self._call(self.inner.latest_evaluation(lead_id))

    async def evaluation_history(self, lead_id: str) -> list[Evaluation]:
        return await self._call(self.inner.evaluation_history(lead_id))

    async def overrides(self, evaluation_id: str) -> list[Override]:
        return await self._call(self.inner.overrides(evaluation_id))

    async def usage(self) -> Usage:
        return await self._call(self.inner.usage())

    async def health(self) -> Health:
        return await self._call(self.inner.health())

    async def list_properties(self) -> list[Property]:
        return await self._call(self.inner.list_properties())

    async def list_units(self, property_id: str) -> list[Unit]:
        return await self._call(self.inner.list_units(property_id))

    # -- commands --------------------------------------------------------------------------------
    async def start_evaluation(self, lead_id: str, force: bool = False, reason: str | None = None) -> RunTicket:
        return await self._call(self.inner.start_evaluation(lead_id, force=force, reason=reason))

    async def override(self, evaluation_id: str, recommendation: str, reason: str) -> Override:
        return await self._call(self.inner.override(evaluation_id, recommendation, reason))

    async def list_runs(self, limit: int = 20) -> list[RunSnapshot]:
        return await self._call(self.inner.list_runs(limit))

    async def terminate_run(self, run_id: str) -> None:
        await self._call(self.inner.terminate_run(run_id))

    async def retry_run(self, run_id: str) -> RunTicket:
        return await self._call(self.inner.retry_run(run_id))

    async def create_lead(self, new: NewLead) -> Lead:
        return await self._call(self.inner.create_lead(new))

    async def attach_file(self, lead_id: str, path: Path, file_type: str = "other") -> LeadFile:
        return await self._call(self.inner.attach_file(lead_id, path, file_type))

    # -- watching --------------------------------------------------------------------------------
    async def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        """The inner backend's snapshots, every one and in order, handed to the caller's loop. A
        burst of snapshots costs the caller's loop one wake-up, not one per snapshot (on the GUI
        loop each wake-up is a Qt event and a GIL handover)."""
        if self._closed:
            raise RuntimeError("the backend is closed")
        caller = asyncio.get_running_loop()
        wake = asyncio.Event()
        pending: deque[tuple[Any, BaseException | None]] = deque()
        lock = threading.Lock()
        waking = [False]

        def post(item: Any, error: BaseException | None = None) -> None:
            with lock:
                pending.append((item, error))
                if waking[0]:
                    return  # a wake-up is on its way and will take this one too
                waking[0] = True
            with contextlib.suppress(RuntimeError):  # the caller's loop is gone (quitting): nobody listens
                caller.call_soon_threadsafe(wake.set)

        async def pump() -> None:
            try:
                async for snapshot in self.inner.watch_run(run_id):
                    post(snapshot)
            except asyncio.CancelledError:  # the backend is closing: the reader must not wait forever
                post(None, BackendUnavailable("The backend was closed while following this evaluation."))
                raise
            except BaseException as exc:  # delivered to the caller, raised there
                post(None, exc)
            else:
                post(_END)

        pumping = asyncio.run_coroutine_threadsafe(pump(), self._loop)
        try:
            while True:
                await wake.wait()
                with lock:
                    batch = list(pending)
                    pending.clear()
                    waking[0] = False
                    wake.clear()
                for item, error in batch:
                    if error is not None:
                        raise error
                    if item is _END:
                        return
                    yield item
        finally:
            pumping.cancel()

    # -- lifecycle -------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the inner backend on its loop, then stop the loop and join the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            await _await_on(self._loop, self.inner.aclose())
        finally:
            await _stop(self._loop, self._thread)


async def _await_on(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on ``loop`` (another thread's) and await its result here; cancelling the
    awaiting task cancels the coroutine there."""
    future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        future.cancel()
        raise


async def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    async def drain() -> None:  # cancel what is still pending there (watch pumps, timers)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await loop.shutdown_asyncgens()
        await loop.shutdown_default_executor()

    try:
        if loop.is_running():
            await _await_on(loop, drain())
    finally:
        loop.call_soon_threadsafe(loop.stop)  # also stops a loop that has not started running yet
        await asyncio.to_thread(thread.join)
        loop.close()
