"""Following runs: the adaptive watch loop, and unfinished runs resumed after an app restart.

Every snapshot the backend reads is written to the offline cache; runs not yet finished stay there
marked open, so a new ``CloudflareBackend`` on the same cache can follow them again.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from leaselab_desktop.backends.cloudflare.polling import AdaptivePoller
from leaselab_desktop.backends.errors import BackendUnavailable, NotFound, Unauthorized
from leaselab_desktop.domain.models import RunSnapshot

if TYPE_CHECKING:
    from leaselab_desktop.backends.cloudflare.backend import CloudflareBackend

log = logging.getLogger(__name__)
OnSnapshot = Callable[[RunSnapshot], Awaitable[None] | None]


async def follow_run(backend: CloudflareBackend, run_id: str) -> AsyncIterator[RunSnapshot]:
    poller = AdaptivePoller(backend.polling, timings=backend.step_timings, rng=backend._rng)
    snap = await backend.get_run(run_id)  # served from the cache when offline
    poller.observe(snap, now=backend.clock())
    yield snap
    while not snap.finished:
        await backend.sleep(poller.next_delay())
        try:
            new, not_modified = await backend._fetch_run(run_id)
        except (BackendUnavailable, Unauthorized) as exc:
            log.info("run %s: server away (%s); backing off", run_id, exc.message)
            poller.observe(snap, not_modified=True, now=backend.clock())
            continue
        if poller.observe(new, not_modified=not_modified, now=backend.clock()):
            yield new
        snap = new


class FollowUps:
    """The runs this profile started and has not seen finish, across restarts."""

    def __init__(self, backend: CloudflareBackend) -> None:
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
