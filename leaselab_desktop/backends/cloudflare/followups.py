"""Following runs: the run stream or the adaptive watch loop, and unfinished runs resumed after an
app restart.

Workflow runs are followed through the project worker's run stream (``stream.py``) when the server
offers it: detected once per server (a generic 404 / 405 or a non-stream answer means "no stream",
and this client polls from then on). A stream that stalls (no byte, not even a keep-alive, for
twice the keep-alive interval), breaks, carries garbage, is cut, or answers 5xx falls back to
polling with ETags at once, and is tried again after a back-off (2 s, 5 s, 15 s, 30 s, then every
60 s) with ``Last-Event-ID``; after three streams in a row that delivered no event at all (a
buffering proxy) this client polls that server from then on. Only one request for a run is ever in
flight. Jobs (deployed workers)
are polled adaptively.

Every snapshot the backend reads is written to the offline cache; runs not yet finished stay there
marked open, so a new ``CloudflareBackend`` on the same cache can follow them again.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any, Protocol

from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.cloudflare.client import Clock, OpsClient, Sleep, StreamBroken, StreamUnsupported
from leaselab_desktop.backends.cloudflare.polling import AdaptivePoller, StepTimings
from leaselab_desktop.backends.cloudflare.stream import run_updates
from leaselab_desktop.backends.cloudflare.wire import run_snapshot, seg
from leaselab_desktop.backends.errors import BackendUnavailable, NotFound, Unauthorized
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot

log = logging.getLogger(__name__)
OnSnapshot = Callable[[RunSnapshot], Awaitable[None] | None]


class RunSource(Protocol):
    """What following a run needs (``runs.RunReader`` in the backend; a fake in tests): reads of the
    run with the cache behind them, the transport for the stream, and the polling settings."""

    @property
    def api(self) -> OpsClient: ...
    @property
    def clock(self) -> Clock: ...

    polling: PollingSettings
    step_timings: StepTimings
    rng: random.Random
    sleep: Sleep

    def kind(self, run_id: str) -> str | None: ...
    async def get(self, run_id: str) -> RunSnapshot: ...
    async def fetch(self, run_id: str) -> tuple[RunSnapshot, bool]: ...
    def streamed(self, snap: RunSnapshot) -> None: ...


class Watchable(Protocol):
    """What :class:`FollowUps` needs of a backend (its public face only)."""

    cache: OfflineCache
    site_id: str

    def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]: ...


STREAM_RETRY_S = (2.0, 5.0, 15.0, 30.0, 60.0)
# Streams opened this many times in a row without delivering one event (a buffering proxy, say):
# stop trying them for this server, so the watch is not blind for a stall period each time.
MAX_EMPTY_STREAMS = 3


async def follow_run(runs: RunSource, run_id: str) -> AsyncGenerator[RunSnapshot, None]:
    """A snapshot at once, then one per visible change; ends after a finished one."""
    polled = runs.kind(run_id) == "job" or runs.api.stream_support is False
    # aclosing: a watcher that stops early closes the inner generator now, not in a GC finaliser task
    async with aclosing(poll_run(runs, run_id) if polled else _stream_or_poll(runs, run_id)) as snaps:
        async for snap in snaps:
            yield snap


def _resume_point(api: OpsClient, path: str) -> tuple[str | None, dict[str, Any] | None]:
    """The run as last seen (polled or streamed) and its ETag, to stream only what changed since."""
    held = api.held_answer(path)
    if held is not None and isinstance(held[1], dict) and isinstance(held[1].get("data"), dict):
        return held[0].removeprefix("W/").strip('"'), held[1]["data"]
    return None, None


async def _stream_or_poll(runs: RunSource, run_id: str) -> AsyncGenerator[RunSnapshot, None]:
    api = runs.api
    path = f"/api/ops/ai-workflows/{seg(run_id)}"
    poller = AdaptivePoller(runs.polling, timings=runs.step_timings, rng=runs.rng)
    last: RunSnapshot | None = None
    kind: str | None = runs.kind(run_id)
    faults = 0
    retry_at: datetime | None = None
    poll_now = True
    while True:
        streamable = api.stream_support is not False and kind != "job"
        if streamable and (retry_at is None or runs.clock() >= retry_at):
            # the first connection of a watch asks for a full snapshot, which is shown at once
            since, state = _resume_point(api, path) if last is not None else (None, None)
            try:
                async with api.stream(path + "/events", last_event_id=since,
                                      keepalive_s=api.stream_keepalive_s) as stream, \
                        aclosing(run_updates(stream, state)) as updates:
                    api.stream_support = True
                    api.stream_empty_opens += 1
                    async for update in updates:
                        api.stream_empty_opens = 0
                        try:
                            snap = run_snapshot(update.data, "workflow")
                        except ValueError as exc:
                            raise StreamBroken("an event did not describe a run") from exc
                        if update.event_id:
                            api.remember_etag(path, f'"{update.event_id}"', {"success": True, "data": update.data})
                        runs.streamed(snap)
                        faults, retry_at = 0, None
                        if poller.observe(snap, now=runs.clock()) or last is None:
                            last = snap
                            yield snap
                        last = snap
                        if snap.finished:
                            return
                api.stream_empty_opens = 0  # a stream that ended as asked is not a dead one
                continue  # the server asked for a reconnect
            except StreamUnsupported as exc:
                api.stream_support = False
                log.info("run %s: the server offers no run stream (%s); polling", run_id, exc)
            except StreamBroken as exc:
                if api.stream_empty_opens >= MAX_EMPTY_STREAMS:
                    api.stream_support = False
                    log.info("run %s: %d streams in a row gave no event (%s); polling from now on",
                             run_id, api.stream_empty_opens, exc)
                    poll_now = True
                    continue
                wait = STREAM_RETRY_S[min(faults, len(STREAM_RETRY_S) - 1)]
                faults += 1
                retry_at = runs.clock() + timedelta(seconds=wait)
                log.info("run %s: stream lost (%s); polling, stream again in %.0f s", run_id, exc, wait)
            poll_now = True
        if last is None:
            snap = await runs.get(run_id)  # served from the cache when offline
            kind = poller.kind = runs.kind(run_id) or "workflow"  # known now: the read found its route
            poller.observe(snap, now=runs.clock())
            last = snap
            yield snap
            if snap.finished:
                return
            poll_now = False
            continue
        if not poll_now:
            delay = poller.next_delay()
            if retry_at is not None and streamable:
                delay = min(delay, max((retry_at - runs.clock()).total_seconds(), 0.0))
            await runs.sleep(delay)
        poll_now = False
        if streamable and retry_at is not None and runs.clock() >= retry_at:
            continue  # time to try the stream again (it starts with what the poll missed)
        last, changed = await _poll_once(runs, poller, run_id, last)
        kind = poller.kind
        if changed:
            yield last
        if last.finished:
            return


async def _poll_once(runs: RunSource, poller: AdaptivePoller, run_id: str,
                     last: RunSnapshot) -> tuple[RunSnapshot, bool]:
    """One poll (with ETag): the run as it now stands, and whether that is a visible change. While
    the server is away the run stays as last seen and the poller backs off."""
    try:
        new, not_modified = await runs.fetch(run_id)
    except (BackendUnavailable, Unauthorized) as exc:
        log.info("run %s: server away (%s); backing off", run_id, exc.message)
        poller.observe(last, not_modified=True, now=runs.clock())
        return last, False
    poller.kind = runs.kind(run_id) or "workflow"
    return new, poller.observe(new, not_modified=not_modified, now=runs.clock())


async def poll_run(runs: RunSource, run_id: str) -> AsyncGenerator[RunSnapshot, None]:
    """Adaptive polling with ETags (jobs, and servers without the run stream)."""
    poller = AdaptivePoller(runs.polling, timings=runs.step_timings, rng=runs.rng)
    snap = await runs.get(run_id)  # served from the cache when offline
    poller.kind = runs.kind(run_id) or "workflow"
    poller.observe(snap, now=runs.clock())
    yield snap
    while not snap.finished:
        await runs.sleep(poller.next_delay())
        snap, changed = await _poll_once(runs, poller, run_id, snap)
        if changed:
            yield snap


class FollowUps:
    """The runs this profile started and has not seen finish, across restarts."""

    def __init__(self, backend: Watchable) -> None:
        self.backend = backend

    def pending(self) -> list[RunSnapshot]:
        return self.backend.cache.open_runs(self.backend.site_id)

    async def follow(self, run_id: str, on_snapshot: OnSnapshot | None = None) -> RunSnapshot | None:
        """Follow one run to its end; None when the server no longer knows it (then it is dropped)."""
        last: RunSnapshot | None = None
        try:
            async for snap in self.backend.watch_run(run_id):
                last = snap
                if on_snapshot is not None:
                    result = on_snapshot(snap)
                    if inspect.isawaitable(result):
                        await result
        except NotFound:
            log.info("run %s is unknown to the server; no longer followed", run_id)
            self.backend.cache.forget_run(self.backend.site_id, run_id)
            return None
        return last

    async def follow_all(self, on_snapshot: OnSnapshot | None = None) -> list[RunSnapshot | None]:
        """Follow every unfinished run concurrently until each ends (cancel to stop early)."""
        runs = self.pending()
        return list(await asyncio.gather(*(self.follow(r.run_id, on_snapshot) for r in runs)))


class Follows:
    """The tasks following runs, remembered so the backend's aclose() cancels them before the
    cache closes (a follow that outlived its backend failed with "Cannot operate on a closed
    database")."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    async def follow(self, runs: RunSource, run_id: str) -> AsyncIterator[RunSnapshot]:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            async with aclosing(follow_run(runs, run_id)) as snaps:  # closed now, not by the GC
                async for snap in snaps:
                    yield snap
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def cancel_all(self) -> None:
        me = asyncio.current_task()
        follows = [t for t in self._tasks if t is not me and not t.done()]
        for t in follows:
            t.cancel()
        if follows:
            await asyncio.wait(follows, timeout=5)
