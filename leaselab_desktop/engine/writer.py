"""The single writer thread: every write to the engine database goes through it.

Operations queued from the event loop are applied in batches, one transaction per batch, so many
concurrent instances share a commit. Callers that need durability (a step result before the next
step runs, a final status before it is reported) await the operation's future; the rest is
fire-and-forget. The event loop only ever puts items on a queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaselab_desktop.engine.errors import EngineClosed, EngineDatabaseError
from leaselab_desktop.engine.lock import DatabaseLock
from leaselab_desktop.engine.schema import check_path, open_database

log = logging.getLogger(__name__)

Op = Callable[[sqlite3.Connection], Any]
MAX_BATCH = 1000
THREAD_NAME = "leaselab-engine-writer"
# A daemon thread, joined by Engine.close(): if the app dies without closing the engine, the
# process still exits; committed transactions are safe and an open one is rolled back by SQLite.
RESOLVE_CHUNK = 16


@dataclass(slots=True)
class _Item:
    fn: Op
    future: asyncio.Future[Any] | None
    atomic: bool


_STOP = object()
_Result = tuple[asyncio.Future[Any] | None, Any, BaseException | None]


class Writer:
    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop) -> None:
        self._path = path
        self._loop = loop
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._open: bool = False
        self._pending: list[_Item] = []
        self._flush_scheduled = False
        self._results: deque[_Result] = deque()
        self._draining = False
        self.batches = 0
        self.failed: BaseException | None = None

    async def start(self) -> None:
        opened: asyncio.Future[None] = self._loop.create_future()
        self._thread = threading.Thread(
            target=self._main, args=(opened,), name=THREAD_NAME, daemon=True
        )
        self._thread.start()
        try:
            await opened
        except BaseException:
            self._thread.join()
            self._thread = None
            raise
        self._open = True

    def submit(self, fn: Op, *, wait: bool = False, atomic: bool = False) -> asyncio.Future[Any] | None:
        """Queue ``fn(conn)``; with ``wait`` a future resolves (on the loop) once it is committed.

        Operations are held on the loop until the end of the current loop iteration, so that
        everything the instances did in one iteration goes to the writer as one transaction.
        """
        if not self._open:
            raise EngineClosed("the workflow engine is not running")
        fut = self._loop.create_future() if wait else None
        self._pending.append(_Item(fn, fut, atomic))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)
        return fut

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending:
            items, self._pending = self._pending, []
            self._queue.put(items)

    async def call(self, fn: Op, *, atomic: bool = False) -> Any:
        fut = self.submit(fn, wait=True, atomic=atomic)
        assert fut is not None
        return await fut

    async def barrier(self) -> None:
        """Wait until everything queued before this call is committed."""
        await self.call(_noop)

    def close(self) -> None:
        """Apply what is queued, then stop the thread and close its connection (blocks briefly)."""
        if self._thread is None:
            return
        self._flush()
        self._open = False
        self._queue.put(_STOP)
        self._thread.join()
        self._thread = None

    # -- thread side ---------------------------------------------------------------------------
    def _main(self, opened: asyncio.Future[None]) -> None:
        lock = DatabaseLock(self._path)
        try:
            check_path(self._path)
            lock.acquire()
            try:
                conn = open_database(self._path)
            except BaseException:
                lock.release()
                raise
        except BaseException as exc:  # reported to start()
            self._post([(opened, None, exc)])
            return
        self._post([(opened, None, None)])
        try:
            stop = False
            while not stop:
                first = self._queue.get()
                if first is _STOP:
                    break
                batch: list[_Item] = list(first)
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is _STOP:
                        stop = True
                        break
                    batch.extend(more)
                self._apply(conn, batch)
        finally:
            conn.close()
            lock.release()

    def _apply(self, conn: sqlite3.Connection, batch: list[_Item]) -> None:
        results: list[_Result] = []
        try:
            conn.execute("BEGIN")
            for item in batch:
                try:
                    if item.atomic:
                        conn.execute("SAVEPOINT op")
                    value = item.fn(conn)
                    if item.atomic:
                        conn.execute("RELEASE op")
                    results.append((item.future, value, None))
                except Exception as exc:
                    if item.atomic:
                        conn.execute("ROLLBACK TO op")
                        conn.execute("RELEASE op")
                    if item.future is None:
                        log.error("engine write failed: %s", exc)
                    results.append((item.future, None, exc))
            conn.execute("COMMIT")
            self.batches += 1
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            err = EngineDatabaseError(f"writing the workflow database {self._path} failed: {exc}")
            self.failed = err
            log.error("%s", err)
            results = [(item.future, None, err) for item in batch]
        self._post(results)

    def _post(self, results: list[_Result]) -> None:
        waiting = [r for r in results if r[0] is not None]
        if not waiting:
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self._loop.call_soon_threadsafe(self._receive, waiting)

    # -- loop side: resolve futures a few per loop iteration -------------------------------------
    def _receive(self, results: list[_Result]) -> None:
        self._results.extend(results)
        if not self._draining:
            self._draining = True
            self._drain()

    def _drain(self) -> None:
        """Each resolved future makes a task runnable in the next loop iteration; resolving a
        few per iteration keeps a timer that falls due meanwhile from waiting behind hundreds."""
        for _ in range(min(RESOLVE_CHUNK, len(self._results))):
            fut, value, exc = self._results.popleft()
            if fut is None or fut.done():
                continue
            if exc is not None:
                fut.set_exception(exc)
            else:
                fut.set_result(value)
        if self._results:
            self._loop.call_soon(self._drain)
        else:
            self._draining = False


def _noop(conn: sqlite3.Connection) -> None:
    return None
