"""The engine's heartbeat: open step attempts are stamped "alive" every ``HEARTBEAT_S``, so that an
attempt cut short by a kill keeps (nearly) its real end, not its start (see ``records.from_row``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from leaselab_desktop.engine import repo
from leaselab_desktop.engine.records import Run
from leaselab_desktop.engine.runtime import Runtime

HEARTBEAT_S = 1.0


async def beat(live: Callable[[], Iterable[Run]], runtime: Callable[[], Runtime | None],
               now: Callable[[], float]) -> None:
    """Until ``runtime()`` is None (the engine is closing): stamp and write every open attempt."""
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        rt = runtime()
        if rt is None:
            return
        t = now()
        for run in list(live()):
            if run.task is None or run.task.done():
                continue  # dormant or ending: nothing is being attempted
            for rec in run.steps.values():
                if rec.attempts and rec.attempts[-1].get("end") is None:
                    rec.attempts[-1]["alive"] = t
                    rt.write(repo.save_step(run.id, rec))
