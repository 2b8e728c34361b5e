"""Durability: a SIGKILLed process, and engines closed while instances run, sleep, wait or retry."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from engine_helpers import FnFlow, SideEffectFlow, note, until, until_status

from leaselab_desktop.engine import Engine, ManualClock, Retries, StepConfig

HERE = Path(__file__).parent


def _step_started(db: Path, name: str) -> bool:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT attempts FROM steps WHERE name=?", (name,)).fetchone()
    except sqlite3.OperationalError:  # schema not created yet
        return False
    finally:
        conn.close()
    return row is not None and row[0] != "[]"


async def test_crash_during_step_4_then_recovery(tmp_path: Path, make_engine) -> None:
    db, side, ready = tmp_path / "crash.db", tmp_path / "side.txt", tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "engine_crash_worker.py"), str(db), str(side), str(ready)],
        cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if proc.poll() is not None:
                raise AssertionError(f"worker exited early: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "worker never reached step 4"
            await asyncio.sleep(0.02)
        # The start of an attempt is written asynchronously (only results must be durable
        # before the next step runs); wait for it so the record of the cut attempt is checked.
        while not _step_started(db, "step-4"):
            assert time.monotonic() < deadline, "step 4's start was never recorded"
            await asyncio.sleep(0.01)
        proc.kill()  # SIGKILL; TerminateProcess on Windows (no SIGKILL there): no cleanup either way
        code = proc.wait(timeout=10)
        assert code == (1 if sys.platform == "win32" else -signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]

    assert side.read_text().split() == ["step-1", "step-2", "step-3", "step-4"]
    with sqlite3.connect(db) as conn:  # what the killed process left behind
        assert conn.execute("SELECT status FROM instances WHERE id='crash-1'").fetchone() == ("running",)

    engine = await make_engine({"crashy": SideEffectFlow(side)}, db_path=db, clock=None)
    h = await engine.workflow("crashy").get("crash-1")
    assert await h.wait(timeout=10) == {
        "status": "complete", "error": None, "output": {"total": 280, "lead": 42}}
    lines = side.read_text().split()
    for name in ("step-1", "step-2", "step-3"):
        assert lines.count(name) == 1, lines
    assert lines.count("step-4") == 2  # the interrupted attempt, then the rerun
    assert lines[-3:] == ["step-5", "step-6", "step-7"]
    steps = await h.steps()
    assert [s["name"] for s in steps] == [f"step-{i}" for i in range(1, 8)]
    step4 = steps[3]
    assert [a["error"]["name"] if a["error"] else None for a in step4["attempts"]] == [
        "Interrupted", None]
    assert all(len(s["attempts"]) == 1 for s in steps if s["name"] != "step-4")


async def test_engine_closed_mid_step_resumes_without_rerunning(db_path: Path) -> None:
    runs: list[str] = []
    gate = asyncio.Event()

    async def body(event, step):
        a = await step.do("a", lambda: note(runs, "a", "A"))
        b = await step.do("b", lambda: gate.wait() if not runs.count("b-open") else "B")
        return [a, b]

    engine = Engine(db_path, {"wf": FnFlow(body)})
    await engine.start()
    h = await engine.workflow("wf").create(id="r1")
    await until_status(h, "running")
    await until(lambda: runs == ["a"])
    await engine.close()
    runs.append("b-open")
    engine2 = Engine(db_path, {"wf": FnFlow(body)})
    await engine2.start()
    try:
        h2 = await engine2.workflow("wf").get("r1")
        assert (await h2.wait(timeout=5))["output"] == ["A", "B"]
        assert runs.count("a") == 1
    finally:
        await engine2.close()


async def test_sleep_resumes_with_remaining_time(db_path: Path) -> None:
    clock = ManualClock()

    async def body(event, step):
        await step.sleep("nap", 100)
        return "woke"

    engine = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine.start()
    h = await engine.workflow("wf").create(id="sleepy")
    await until_status(h, "waiting")
    await engine.close()
    clock.advance(60)  # time passes while the app is closed
    engine2 = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine2.start()
    try:
        h2 = engine2.instance("sleepy")
        await until_status(h2, "waiting")
        assert clock.sleeps == [100, 40]
        clock.advance(40)
        assert (await h2.wait(timeout=5))["output"] == "woke"
    finally:
        await engine2.close()


async def test_paused_stays_paused_and_buffered_event_survives(db_path: Path) -> None:
    clock = ManualClock()

    async def body(event, step):
        ev = await step.wait_for_event("approval", type="approved", timeout=600)
        return ev["payload"]

    engine = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine.start()
    h = await engine.workflow("wf").create(id="p1")
    await until_status(h, "waiting")
    await h.pause()
    await h.send_event("approved", {"ok": True})
    await engine.close()
    engine2 = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine2.start()
    try:
        h2 = engine2.instance("p1")
        assert (await h2.status())["status"] == "paused"
        await h2.resume()
        assert (await h2.wait(timeout=5))["output"] == {"ok": True}
    finally:
        await engine2.close()


async def test_retry_count_survives_a_restart_of_the_engine(db_path: Path) -> None:
    clock = ManualClock()
    calls: list[int] = []

    def always_fails():
        calls.append(1)
        raise RuntimeError(f"down {len(calls)}")

    async def body(event, step):
        cfg = StepConfig(retries=Retries(limit=1, delay=30, backoff="constant"))
        return await step.do("flaky", always_fails, config=cfg)

    engine = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine.start()
    await engine.workflow("wf").create(id="rt")
    await until(lambda: clock.pending == 1)
    await engine.close()
    engine2 = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine2.start()
    try:
        await until(lambda: clock.pending == 1)
        clock.advance(30)
        st = await engine2.instance("rt").wait(timeout=5)
        assert st["error"] == {"name": "RuntimeError", "message": "down 2"}
        assert len(calls) == 2  # limit 1 = two attempts in total, across both engines
    finally:
        await engine2.close()


async def test_step_result_is_committed_before_the_next_step_runs(
    db_path: Path, monkeypatch
) -> None:
    """With a slow disk, step n+1 still only starts once step n's result is in the file."""
    from leaselab_desktop.engine.writer import Writer

    slow_apply = Writer._apply

    def apply_slowly(self, conn, batch):  # type: ignore[no-untyped-def]
        time.sleep(0.02)
        slow_apply(self, conn, batch)

    monkeypatch.setattr(Writer, "_apply", apply_slowly)
    seen: list[tuple[str, bool]] = []

    def committed(name: str) -> bool:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT success FROM steps WHERE name=?", (name,)).fetchone()
        finally:
            conn.close()
        return row is not None and row[0] == 1

    async def body(event, step):
        for i in range(1, 5):
            def fn(i: int = i) -> int:
                if i > 1:
                    seen.append((f"s{i - 1}", committed(f"s{i - 1}")))
                return i

            await step.do(f"s{i}", fn)
        return "done"

    engine = Engine(db_path, {"wf": FnFlow(body)})
    await engine.start()
    try:
        h = await engine.workflow("wf").create()
        assert (await h.wait(timeout=10))["output"] == "done"
    finally:
        await engine.close()
    assert seen == [("s1", True), ("s2", True), ("s3", True)]


async def test_a_slow_disk_never_blocks_the_event_loop(db_path: Path, monkeypatch) -> None:
    from leaselab_desktop.engine.writer import Writer

    apply = Writer._apply

    def stalled_apply(self, conn, batch):  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # a disk stalling on every commit
        apply(self, conn, batch)

    async def body(event, step):
        return [await step.do(f"s{i}", lambda i=i: i) for i in range(3)]

    engine = Engine(db_path, {"wf": FnFlow(body)})
    await engine.start()
    monkeypatch.setattr(Writer, "_apply", stalled_apply)
    loop = asyncio.get_running_loop()
    worst = 0.0
    try:
        h = asyncio.ensure_future(engine.workflow("wf").create())
        while not h.done() or (await h.result().status())["status"] != "complete":
            t = loop.time()
            await asyncio.sleep(0.005)
            worst = max(worst, loop.time() - t - 0.005)
        assert (await h.result().status())["output"] == [0, 1, 2]
    finally:
        await engine.close()
    assert worst < 0.15, f"the loop stalled {worst * 1000:.0f} ms while the disk took 300 ms"
