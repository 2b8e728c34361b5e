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


class _OneStep(WorkflowEntrypoint):
    async def run(self, event, step):
        return await step.do("only", lambda: 42)


async def test_a_pause_racing_the_final_write_does_not_outlive_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the chaos test: pause() while the final status was being written queued a
    ``waitingForPause`` after it, so the database disagreed with the finished instance."""
    import time

    from leaselab_desktop.engine import repo

    real = repo.finish_instance

    def slow_finish(*args, **kwargs):  # type: ignore[no-untyped-def]
        op = real(*args, **kwargs)

        def slow(conn):  # type: ignore[no-untyped-def]
            time.sleep(0.2)
            return op(conn)

        return slow

    monkeypatch.setattr(repo, "finish_instance", slow_finish)
    db = tmp_path / "engine.sqlite3"
    engine = Engine(db, {"one": _OneStep()})
    await engine.start()
    try:
        handle = await engine.workflow("one").create(params={})
        run = engine._live[handle.id]
        while not run.ending:
            await asyncio.sleep(0.005)
        with contextlib.suppress(InvalidTransition):
            await handle.pause()
        assert (await handle.wait(timeout=5))["status"] == "complete"
        assert (await handle.status()) == {"status": "complete", "error": None, "output": 42}
    finally:
        await engine.close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT status FROM instances").fetchone()[0] == "complete"


class _Steps(WorkflowEntrypoint):
    async def run(self, event, step):
        calls = {"n": 0}

        async def flaky() -> dict:
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("once")
            return {"rows": [1, 2.5, None, "x"], "t": (1, 2)}

        cfg = StepConfig(retries=Retries(limit=2, delay=0.001, backoff="constant"), timeout=5)
        first = await step.do("flaky", flaky, config=cfg)
        await step.sleep("nap", 0.001)
        return {"first": first, "second": await step.do("plain", lambda: "ok")}


async def test_a_just_finished_instance_reads_the_same_from_memory_as_from_disk(tmp_path: Path) -> None:
    db = tmp_path / "engine.sqlite3"
    engine = Engine(db, {"w": _Steps()})
    await engine.start()
    try:
        handle = await engine.workflow("w").create(id="i1", params={})
        await handle.wait(timeout=5)
        assert "i1" in engine._recent  # the watcher's last snapshot comes from memory
        from_memory = (await handle.status(), await handle.steps(), engine.peek_status("i1"))
    finally:
        await engine.close()
    engine = Engine(db, {"w": _Steps()})
    await engine.start()
    try:
        handle = await engine.workflow("w").get("i1")
        assert "i1" not in engine._recent
        assert (await handle.status(), await handle.steps(), engine.peek_status("i1")) == from_memory
        await handle.restart()  # from what is stored, then in memory again once finished
        assert (await handle.wait(timeout=5))["status"] == "complete"
        assert "i1" in engine._recent
        engine.retention_s = 0.0
        await engine.purge()
        assert "i1" not in engine._recent
        with pytest.raises(Exception, match="no workflow instance"):
            await handle.status()
    finally:
        await engine.close()
