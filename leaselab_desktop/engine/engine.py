"""The durable workflow engine: lifecycle, scheduling of instances, recovery, retention."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from leaselab_desktop.engine import repo
from leaselab_desktop.engine.clock import Clock, SystemClock
from leaselab_desktop.engine.errors import (
    DuplicateInstance,
    EngineClosed,
    EngineDatabaseError,
    InstanceNotFound,
    InvalidInstanceId,
    InvalidPayload,
    UnknownWorkflow,
    error_info,
)
from leaselab_desktop.engine.events import EventHub, Subscription
from leaselab_desktop.engine.handle import InstanceHandle, WorkflowBinding
from leaselab_desktop.engine.records import Run
from leaselab_desktop.engine.runtime import Runtime, Suspended
from leaselab_desktop.engine.serial import EncodeError, encode
from leaselab_desktop.engine.step import WorkflowStep
from leaselab_desktop.engine.types import WorkflowEntrypoint, WorkflowEvent
from leaselab_desktop.engine.writer import Writer

T = TypeVar("T")

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$")
DEFAULT_RETENTION_S = 30 * 24 * 3600.0
LAUNCH_CHUNK = 16
RECENT_FINISHED = 64  # finished instances whose state stays in memory (status/steps without disk reads)


def check_instance_id(instance_id: Any) -> str:
    if not isinstance(instance_id, str) or not ID_RE.match(instance_id):
        raise InvalidInstanceId(
            f"invalid instance id {instance_id!r}: use 1-100 letters, digits, '_' or '-', "
            "not starting with '-'"
        )
    return instance_id


class Engine:
    """Runs registered workflows durably from one SQLite file. See the package docstring."""

    def __init__(
        self, db_path: str | Path, workflows: Mapping[str, WorkflowEntrypoint], *,
        max_concurrency: int = 10, clock: Clock | None = None,
        retention_s: float = DEFAULT_RETENTION_S, purge_interval_s: float = 3600.0,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        for name, entry in workflows.items():
            if not isinstance(entry, WorkflowEntrypoint):
                raise TypeError(f"workflow {name!r} must be a WorkflowEntrypoint instance")
        self.db_path = Path(db_path)
        self._workflows = dict(workflows)
        self._max_concurrency = max_concurrency
        self.clock: Clock = clock or SystemClock()
        self.retention_s = retention_s
        self.purge_interval_s = purge_interval_s
        self._hub = EventHub()
        self._live: dict[str, Run] = {}
        # Just finished (already durable): a watcher's last snapshot is read from here, not disk.
        self._recent: OrderedDict[str, Run] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._writer: Writer | None = None
        self._rt: Runtime | None = None
        self._reader: sqlite3.Connection | None = None
        self._read_pool: ThreadPoolExecutor | None = None  # async reads of finished instances
        self._last_purge = 0.0
        self._closing = False

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open (or create) the database and resume unfinished instances."""
        if self._writer is not None:
            return
        self._closing = False
        loop = asyncio.get_running_loop()
        writer = Writer(self.db_path, loop)
        await writer.start()
        self._writer = writer
        self._rt = Runtime(self.clock, writer, self._hub, self._max_concurrency)
        try:
            self._reader = sqlite3.connect(str(self.db_path), check_same_thread=False)
            self._reader.row_factory = sqlite3.Row
            self._reader.execute("PRAGMA query_only=1")
            self._read_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-reader")
            runs = await writer.call(repo.load_unfinished)
        except (sqlite3.Error, EngineDatabaseError) as exc:
            await self.close()
            raise EngineDatabaseError(f"reading the workflow database {self.db_path} failed: {exc}") from None
        resumed = [run for run in runs if self._recover(run)]
        self._launch_gradually(resumed)
        await self.purge()

    def _recover(self, run: Run) -> bool:
        """Take over an unfinished instance; True when it should run again."""
        if run.workflow not in self._workflows:
            log.warning("instance %s belongs to unknown workflow %r; left as is", run.id, run.workflow)
            return False
        self._live[run.id] = run
        if run.status == "waitingForPause":
            run.status = "paused"
            self.rt.write(repo.update_instance(run, self.clock.time()))
        if run.status == "paused":
            return False
        run.status = "queued"
        return True

    async def close(self) -> None:
        """Stop every instance (they resume at the next start) and the writer thread."""
        if self._closing:
            return
        self._closing = True
        for run in list(self._live.values()):
            if run.task is not None and not run.task.done():
                run.cancel_reason = "shutdown"
                run.task.cancel()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._hub.close_all()
        if self._writer is not None:
            with contextlib.suppress(Exception):  # a failed database must not keep the thread
                await self._writer.barrier()
            self._writer.close()
        if self._read_pool is not None:
            self._read_pool.shutdown(wait=True)
            self._read_pool = None
        if self._reader is not None:
            self._reader.close()
        self._writer = self._rt = self._reader = None
        for run in self._live.values():
            for fut in run.finished_waiters:
                if not fut.done():
                    fut.set_exception(EngineClosed("the workflow engine was closed"))
        self._live.clear()
        self._recent.clear()

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def rt(self) -> Runtime:
        if self._rt is None or self._closing:
            raise EngineClosed("the workflow engine is not running (call start())")
        return self._rt

    @property
    def reader(self) -> sqlite3.Connection:
        if self._reader is None:
            raise EngineClosed("the workflow engine is not running (call start())")
        return self._reader

    # -- bindings and queries ---------------------------------------------------------------------
    def workflow(self, name: str) -> WorkflowBinding:
        if name not in self._workflows:
            raise UnknownWorkflow(f"no workflow named {name!r} (known: {sorted(self._workflows)})")
        return WorkflowBinding(self, name)

    def instance(self, instance_id: str) -> InstanceHandle:
        return InstanceHandle(self, self.lookup(instance_id).id)

    def subscribe(self, instance_id: str | None = None, *, until_finished: bool = False) -> Subscription:
        """Events of every instance (or of one). Use ``async for``; close() or ``async with``."""
        return self._hub.subscribe(instance_id, until_finished)

    def peek_status(self, instance_id: str) -> dict[str, Any] | None:
        """Current status without awaiting: from memory for live instances, else the read
        connection (no writer round trip). ``None`` when there is no such instance."""
        run = self._live.get(instance_id) or self._recent.get(instance_id)
        if run is None:
            run = repo.read_instance(self.reader, instance_id)
        return None if run is None else run.status_dict()

    def list_instances(
        self, workflow: str | None = None, status: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Newest first: id, workflow, status, created_at, ended_at (committed state)."""
        return repo.list_instances(self.reader, workflow, status, limit)

    @property
    def running_count(self) -> int:
        return self.rt.active

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(read_connection, *args)`` on the reader thread: async callers (the GUI's loop)
        never wait on disk for instances that are no longer in memory."""
        if self._read_pool is None:
            raise EngineClosed("the workflow engine is not running")
        return await asyncio.get_running_loop().run_in_executor(self._read_pool, fn, self.reader, *args)

    # -- what handles use (handle.EngineControl) --------------------------------------------------
    def live_run(self, instance_id: str) -> Run | None:
        return self._live.get(instance_id)

    def held_run(self, instance_id: str) -> Run | None:
        return self._live.get(instance_id) or self._recent.get(instance_id)

    def readmit(self, run: Run) -> None:
        self._recent.pop(run.id, None)
        self._live[run.id] = run

    def lookup(self, instance_id: str, workflow: str | None = None, *, stored: bool = False) -> Run:
        if stored:
            self._recent.pop(instance_id, None)
        run = self._live.get(instance_id) or self._recent.get(instance_id)
        if run is None and isinstance(instance_id, str):
            run = repo.read_instance(self.reader, instance_id)
        if run is None or (workflow is not None and run.workflow != workflow):
            where = f" of workflow {workflow!r}" if workflow else ""
            raise InstanceNotFound(f"no workflow instance {instance_id!r}{where}")
        return run

    # -- creation ---------------------------------------------------------------------------------
    async def create_instances(self, workflow: str, items: list[dict[str, Any]]) -> list[str]:
        rt = self.rt
        now = self.clock.time()
        runs: list[Run] = []
        rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, Mapping):
                raise InvalidPayload(f"each instance to create is a dict with 'id' and 'params', got {item!r}")
            unknown = set(item) - {"id", "params"}
            if unknown:
                raise InvalidPayload(f"unknown instance option(s): {sorted(unknown)}")
            raw_id = item.get("id")
            instance_id = str(uuid.uuid4()) if raw_id is None else check_instance_id(raw_id)
            if instance_id in seen or instance_id in self._live:
                raise DuplicateInstance(
                    f"an instance with id {instance_id!r} already exists; instance ids must be unique"
                )
            seen.add(instance_id)
            try:
                params_json = encode(item.get("params"), "the instance params")
            except EncodeError as exc:
                raise InvalidPayload(str(exc)) from None
            params = json.loads(params_json)
            runs.append(Run(instance_id, workflow, params, now))
            rows.append((instance_id, workflow, "queued", params_json, now, now))
        for run in runs:
            self._live[run.id] = run
        try:
            await rt.durable_atomic(repo.insert_instances(rows))
        except BaseException:
            for run in runs:
                if self._live.get(run.id) is run:
                    del self._live[run.id]
            raise
        for run in runs:
            rt.emit("status", run, status="queued")
        self._launch_gradually(runs)
        return [run.id for run in runs]

    def _launch_gradually(self, runs: list[Run]) -> None:
        """Start a batch a few instances per loop iteration, so that a timer of the GUI that
        falls due meanwhile waits for a few first steps, not for a hundred."""
        for run in runs[:LAUNCH_CHUNK]:
            if run.task is None and self._live.get(run.id) is run and run.status == "queued":
                self.launch(run)
        if len(runs) > LAUNCH_CHUNK:
            asyncio.get_running_loop().call_soon(self._launch_gradually, runs[LAUNCH_CHUNK:])

    # -- running ----------------------------------------------------------------------------------
    def launch(self, run: Run) -> None:
        run.cancel_reason = None
        run.pause_requested = False
        task = asyncio.get_running_loop().create_task(self._drive(run), name=f"workflow:{run.id}")
        run.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drive(self, run: Run) -> None:
        rt = self.rt
        entry = self._workflows[run.workflow]
        try:
            rt.checkpoint(run)  # paused before this task got to run
            await rt.acquire_slot(run)
            if run.started_at is None:
                run.started_at = self.clock.time()
            rt.set_status(run, "running")
            event = WorkflowEvent(run.params, datetime.fromtimestamp(run.created_at, UTC), run.id)
            output = await entry.run(event, WorkflowStep(rt, run))
            try:
                text = encode(output, "the workflow's output")
            except EncodeError as exc:
                raise InvalidPayload(str(exc)) from None
            await self.finish(run, "complete", output=json.loads(text), output_json=text)
        except Suspended:
            rt.release_slot(run)
            rt.set_status(run, "paused")
        except asyncio.CancelledError:
            rt.release_slot(run)
            if run.cancel_reason == "pause":
                rt.set_status(run, "paused")
            elif run.cancel_reason == "terminate":
                await self.finish(run, "terminated")
            elif run.cancel_reason not in ("restart", "shutdown"):
                raise
        except Exception as exc:
            await self.finish(run, "errored", error=error_info(exc))
        finally:
            rt.release_slot(run)

    async def finish(
        self, run: Run, status: str, *, output: Any = None, output_json: str | None = None,
        error: dict[str, str] | None = None,
    ) -> None:
        rt = self.rt
        rt.release_slot(run)
        run.durable = None  # the final write is queued after the last step's, so it implies it
        ended = self.clock.time()
        run.ending = True
        try:
            await rt.durable(repo.finish_instance(run, status, ended, error, output_json))
        finally:
            run.ending = False
        run.status, run.ended_at, run.error, run.output = status, ended, error, output
        rt.emit("status", run, status=status, error=error)
        if self._live.get(run.id) is run:
            del self._live[run.id]
            self._recent[run.id] = run
            self._recent.move_to_end(run.id)
            while len(self._recent) > RECENT_FINISHED:
                self._recent.popitem(last=False)
        for fut in run.finished_waiters:
            if not fut.done():
                fut.set_result(None)
        run.finished_waiters.clear()
        if ended - self._last_purge >= self.purge_interval_s:
            self._last_purge = ended
            await self.purge()

    async def purge(self) -> int:
        """Delete finished instances that ended more than ``retention_s`` ago. Returns how many."""
        now = self.clock.time()
        self._last_purge = now
        self._recent.clear()  # whatever is purged must not be answered from memory
        count: int = await self.rt.durable_atomic(repo.purge_finished(now - self.retention_s))
        if count:
            log.info("purged %d finished workflow instance(s)", count)
        return count

