"""ThreadedBackend: a backend on its own thread and loop, awaited from another loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendUnavailable, NotFound
from leaselab_desktop.backends.threaded import ThreadedBackend
from leaselab_desktop.domain.models import RunSnapshot


def snap(status: str) -> RunSnapshot:
    return RunSnapshot(run_id="r1", lead_id="l1", kind="workflow", status=status)  # type: ignore[arg-type]


class Inner:
    """Records the thread each call ran on; watch_run yields what ``script`` says."""

    kind = "local"

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.closed = 0
        self.generator_finished = threading.Event()
        self.started_sleep = threading.Event()
        self.sleep_cancelled = threading.Event()
        self.script: list[Any] = [snap("queued"), snap("running"), snap("complete")]

    async def get_lead(self, lead_id: str) -> Any:
        self.threads.append(threading.get_ident())
        if lead_id == "missing":
            raise NotFound("Lead missing was not found.")
        if lead_id == "slow":
            self.started_sleep.set()
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                self.sleep_cancelled.set()
                raise
        return {"id": lead_id}

    async def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        self.threads.append(threading.get_ident())
        try:
            for item in self.script:
                if isinstance(item, BaseException):
                    raise item
                if item == "hang":
                    await asyncio.sleep(30)
                yield item
                await asyncio.sleep(0)
        finally:
            self.generator_finished.set()

    async def aclose(self) -> None:
        self.closed += 1


async def started(inner: Inner) -> ThreadedBackend:
    async def opener() -> Any:
        inner.threads.append(threading.get_ident())
        return inner

    return await ThreadedBackend.start(opener)


async def test_calls_run_on_the_backend_thread_and_results_come_back() -> None:
    inner = Inner()
    backend = await started(inner)
    try:
        assert isinstance(backend, Backend) and backend.kind == "local"
        assert await backend.get_lead("l1") == {"id": "l1"}
        with pytest.raises(NotFound, match="missing"):
            await backend.get_lead("missing")
        assert len(set(inner.threads)) == 1 and inner.threads[0] != threading.get_ident()
    finally:
        await backend.aclose()
    assert inner.closed == 1 and not backend._thread.is_alive()
    await backend.aclose()  # twice is harmless
    assert inner.closed == 1
    with pytest.raises(RuntimeError, match="closed"):
        await backend.get_lead("l1")


async def test_watch_run_delivers_every_snapshot_in_order_then_ends() -> None:
    inner = Inner()
    backend = await started(inner)
    try:
        assert [s.status async for s in backend.watch_run("r1")] == ["queued", "running", "complete"]
        inner.script = [snap("queued"), NotFound("Run r1 was not found.")]
        got = []
        with pytest.raises(NotFound):
            async for s in backend.watch_run("r1"):
                got.append(s.status)
        assert got == ["queued"]
    finally:
        await backend.aclose()


async def test_a_watcher_that_stops_early_closes_the_inner_watch() -> None:
    inner = Inner()
    inner.script = [snap("queued"), "hang", snap("complete")]
    backend = await started(inner)
    try:
        watch = backend.watch_run("r1")
        first = await watch.__anext__()
        assert first.status == "queued"
        await watch.aclose()  # e.g. the panel switched to another lead
        assert await asyncio.to_thread(inner.generator_finished.wait, 5)
    finally:
        await backend.aclose()


async def test_cancelling_the_caller_cancels_the_call_on_the_backend_loop() -> None:
    inner = Inner()
    backend = await started(inner)
    try:
        task = asyncio.ensure_future(backend.get_lead("slow"))
        assert await asyncio.to_thread(inner.started_sleep.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(inner.sleep_cancelled.wait, 5)
    finally:
        await backend.aclose()


async def test_close_cancels_pending_watches_and_joins_the_thread() -> None:
    inner = Inner()
    inner.script = [snap("queued"), "hang"]
    backend = await started(inner)
    watch = backend.watch_run("r1")
    assert (await watch.__anext__()).status == "queued"
    await backend.aclose()
    assert inner.generator_finished.is_set() and not backend._thread.is_alive()
    await watch.aclose()


async def test_a_backend_that_fails_to_open_leaves_no_thread() -> None:
    async def failing() -> Any:
        raise NotFound("no such profile")

    with pytest.raises(NotFound, match="no such profile"):
        await ThreadedBackend.start(failing)
    assert not [t for t in threading.enumerate() if t.name == "backend-loop" and t.is_alive()]


async def test_a_burst_of_snapshots_arrives_whole_and_in_order() -> None:
    inner = Inner()
    inner.script = [RunSnapshot(run_id="r1", lead_id="l1", kind="workflow", status="running",  # type: ignore[arg-type]
                                progress_message=str(i)) for i in range(200)] + [snap("complete")]
    backend = await started(inner)
    try:
        got = [s.progress_message or s.status async for s in backend.watch_run("r1")]
        assert got == [str(i) for i in range(200)] + ["complete"]
    finally:
        await backend.aclose()


async def test_a_reader_is_told_when_the_backend_closes_under_its_watch() -> None:
    inner = Inner()
    inner.script = [snap("queued"), "hang"]
    backend = await started(inner)
    got: list[str] = []

    async def read() -> None:
        async for s in backend.watch_run("r1"):
            got.append(s.status)

    reader = asyncio.ensure_future(read())
    while not got:
        await asyncio.sleep(0.01)
    await backend.aclose()
    with pytest.raises(BackendUnavailable, match="closed"):
        await asyncio.wait_for(reader, 5)  # it ends with a clear error instead of waiting forever
    assert got == ["queued"]


async def test_cancelling_a_start_leaves_no_thread_and_no_open_backend() -> None:
    inner = Inner()
    opening = threading.Event()

    async def slow_opener() -> Any:
        opening.set()
        await asyncio.sleep(30)
        return inner

    task = asyncio.ensure_future(ThreadedBackend.start(slow_opener))
    assert await asyncio.to_thread(opening.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not [t for t in threading.enumerate() if t.name == "backend-loop" and t.is_alive()]
    assert inner.closed == 0
