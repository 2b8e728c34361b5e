"""start(resume=False): a short-lived process takes over unfinished instances without running them;
resume() runs them; an interrupted attempt keeps its real start and end."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from engine_helpers import FnFlow, SideEffectFlow, note, until, until_status

from leaselab_desktop.engine import Engine, ManualClock
from leaselab_desktop.engine.heartbeat import HEARTBEAT_S

HERE = Path(__file__).parent


def _alive_stamped(db: Path, name: str) -> bool:
    if not db.exists():
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT attempts FROM steps WHERE name=?", (name,)).fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()
    return row is not None and '"alive"' in row[0]


async def _kill_in_step_4(tmp_path: Path) -> tuple[Path, Path, float]:
    db, side, ready = tmp_path / "crash.db", tmp_path / "side.txt", tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "engine_crash_worker.py"), str(db), str(side), str(ready)],
        cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _alive_stamped(db, "step-4"):  # the heartbeat has seen the attempt alive
            assert proc.poll() is None, "worker exited early"
            assert time.monotonic() < deadline, "step 4 was never stamped alive"
            await asyncio.sleep(0.05)
        killed_at = time.time()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return db, side, killed_at


async def test_dormant_after_kill_runs_nothing_until_resumed(tmp_path: Path) -> None:
    db, side, killed_at = await _kill_in_step_4(tmp_path)
    assert side.read_text().split().count("step-4") == 1

    engine: Engine = Engine(db, {"crashy": SideEffectFlow(side)})
    await engine.start(resume=False)
    try:
        h = await engine.workflow("crashy").get("crash-1")
        assert engine.dormant == {"crash-1"}
        assert (await h.status())["status"] == "queued"
        await asyncio.sleep(0.3)  # time enough to have restarted a step, were it resumed
        assert side.read_text().split().count("step-4") == 1
        step4 = (await h.steps())[3]
        (attempt,) = step4["attempts"]
        start, end = (datetime.fromisoformat(attempt[k]).timestamp() for k in ("start", "end"))
        assert attempt["error"]["name"] == "Interrupted" and attempt["interrupted"] is True
        # its real end: within a heartbeat of the kill, not its start
        assert end - start >= HEARTBEAT_S * 0.9 and end <= killed_at + 0.01, (start, end, killed_at)

        assert engine.resume(["crash-1"]) == ["crash-1"]
        assert engine.dormant == frozenset()
        done = await h.wait(timeout=10)
        assert done["status"] == "complete"
    finally:
        await engine.close()
    lines = side.read_text().split()
    assert lines.count("step-4") == 2 and lines.count("step-3") == 1  # once per resume


async def test_dormant_instance_can_be_terminated(tmp_path: Path) -> None:
    db, side, _ = await _kill_in_step_4(tmp_path)
    engine = Engine(db, {"crashy": SideEffectFlow(side)})
    await engine.start(resume=False)
    try:
        h = await engine.workflow("crashy").get("crash-1")
        await h.terminate()
        assert (await h.status())["status"] == "terminated"
        assert engine.dormant == frozenset()
    finally:
        await engine.close()
    assert side.read_text().split().count("step-4") == 1


async def test_close_mid_attempt_records_its_real_end(db_path: Path) -> None:
    runs: list[str] = []
    clock = ManualClock(auto=False)

    async def body(event, step):
        await step.do("a", lambda: note(runs, "a", "A"))
        return await step.do("b", lambda: asyncio.sleep(3600))

    engine = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine.start()
    h = await engine.workflow("wf").create(id="r1")
    await until_status(h, "running")
    await until(lambda: runs == ["a"])
    await asyncio.sleep(0.05)
    started = clock.time()
    clock.advance(42)
    await engine.close()

    engine2 = Engine(db_path, {"wf": FnFlow(body)}, clock=clock)
    await engine2.start(resume=False)
    try:
        steps = await (await engine2.workflow("wf").get("r1")).steps()
        (attempt,) = steps[1]["attempts"]
        assert attempt["error"]["name"] == "Interrupted"
        assert datetime.fromisoformat(attempt["end"]).timestamp() - started == 42
    finally:
        await engine2.close()
