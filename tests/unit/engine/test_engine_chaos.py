"""Random control actions (seeded) against running instances, with an engine restart halfway:
nothing raises unexpectedly, every instance finishes, memory and database agree, and a complete
instance has the right output."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
from pathlib import Path

import pytest

from leaselab_desktop.engine import (
    Engine,
    InvalidTransition,
    Retries,
    StepConfig,
    WaitForEventTimeout,
    WorkflowEntrypoint,
)


class Chaotic(WorkflowEntrypoint):
    def __init__(self, rng: random.Random) -> None:
        super().__init__(env=None)
        self.rng = rng

    async def run(self, event, step):
        total = 0
        for i in range(5):
            async def fn(i: int = i) -> int:
                await asyncio.sleep(self.rng.random() * 0.002)
                if self.rng.random() < 0.2:
                    raise RuntimeError("flaky")
                return i

            cfg = StepConfig(retries=Retries(limit=3, delay=0.001, backoff="constant"), timeout=5)
            total += await step.do(f"s{i}", fn, config=cfg)
            if i == 2:
                await step.sleep("nap", 0.002)
            if i == 3 and event.payload["wait"]:
                with contextlib.suppress(WaitForEventTimeout):
                    await step.wait_for_event("go", type="go", timeout=0.01)
        return total


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_control_actions(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "chaos.db"
    engine = Engine(db, {"f": Chaotic(rng)}, max_concurrency=4)
    await engine.start()
    try:
        wf = engine.workflow("f")
        handles = [await wf.create(params={"wait": rng.random() < 0.5}) for _ in range(20)]
        for k in range(160):
            if k == 80:
                await engine.close()
                engine = Engine(db, {"f": Chaotic(rng)}, max_concurrency=4)
                await engine.start()
                handles = [engine.instance(h.id) for h in handles]
            h = rng.choice(handles)
            action = rng.choice(["pause", "resume", "terminate", "restart", "restart_from",
                                 "event", "status", "steps"])
            try:
                if action == "restart_from":
                    await h.restart(from_step=f"s{rng.randint(0, 4)}")
                elif action == "event":
                    await h.send_event("go", k)
                else:
                    await getattr(h, action)()
            except InvalidTransition:
                pass  # e.g. pausing a finished instance, or restarting from a step not yet run
            await asyncio.sleep(rng.random() * 0.002)
        for h in handles:
            if (await h.status())["status"] in ("paused", "waitingForPause"):
                await h.resume()
        results = await asyncio.wait_for(asyncio.gather(*(h.wait() for h in handles)), 60)
    finally:
        await engine.close()
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT id, status FROM instances"))
    conn.close()
    assert [stored[h.id] for h in handles] == [r["status"] for r in results]
    assert {r["status"] for r in results} <= {"complete", "errored", "terminated"}
    assert all(r["output"] == 10 for r in results if r["status"] == "complete")
    assert sum(r["status"] == "complete" for r in results) >= 10
