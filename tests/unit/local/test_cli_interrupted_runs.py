"""No abandoned runs: a real CLI process is SIGKILLed while the model (a slow loopback
OpenAI-compatible server) answers; later short commands leave the run alone, and the command that
follows it finishes it with exactly one more model call."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slow_model import SlowModelServer

from leaselab_desktop.config import Paths, ProviderSettings, Settings, save_settings
from leaselab_desktop.engine.heartbeat import HEARTBEAT_S
from tests.faults.file_keyring import subprocess_env

pytestmark = pytest.mark.slow
CLI_TIMEOUT_S = 60


@pytest.fixture
def model() -> Iterator[SlowModelServer]:
    server = SlowModelServer(delay_s=60)
    yield server
    server.close()


@pytest.fixture
def data_dir(tmp_path: Path, model: SlowModelServer) -> Path:
    d = tmp_path / "cli-data"
    save_settings(Paths(d), Settings(provider=ProviderSettings(
        kind="openai-compatible", base_url=model.url, model="llama3.2")))
    return d


def env(data_dir: Path) -> dict[str, str]:
    """Every process of a test finds the same (file) keyring: the data folder is encrypted at rest."""
    return subprocess_env(data_dir.parent / "keys.json")


def cli(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "leaselab_desktop", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=CLI_TIMEOUT_S, env=env(data_dir))
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def lead_status(data_dir: Path, lead_id: str) -> str:
    leads = json.loads(cli(data_dir, "leads", "--json").stdout)
    return str(next(lead["status"] for lead in leads if lead["id"] == lead_id))


def model_attempts(data_dir: Path) -> list[dict[str, Any]]:
    """The recorded attempts of the model step, straight from the engine's database."""
    conn = sqlite3.connect(f"file:{Paths(data_dir).engine_database}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT attempts FROM steps WHERE name = 'call-workers-ai'").fetchone()
    finally:
        conn.close()
    return [] if row is None else list(json.loads(row[0]))


def kill_mid_model_call(data_dir: Path, model: SlowModelServer) -> tuple[str, str, float]:
    """Start `evaluate` on an unevaluated lead; SIGKILL it while the model call is in flight."""
    leads = json.loads(cli(data_dir, "leads", "--json").stdout)
    lead_id = next(lead["id"] for lead in leads if lead["status"] == "documents_received")
    proc = subprocess.Popen([sys.executable, "-m", "leaselab_desktop", "--data-dir", str(data_dir),
                             "evaluate", lead_id], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(data_dir))
    try:
        deadline = time.monotonic() + CLI_TIMEOUT_S
        while not any("alive" in a for a in model_attempts(data_dir)):  # in the call, seen alive
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the model step never started"
            time.sleep(0.1)
        while model.requests < 1:  # the attempt marks its request sent (committed) before it goes out
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the model request never arrived"
            time.sleep(0.05)
        assert model.requests == 1
        time.sleep(1.2)  # the attempt runs a while before it is cut
        killed_at = time.time()
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    run_id = out.split(" - run ")[1].split()[0]
    return lead_id, run_id, killed_at


def test_killed_evaluate_is_left_alone_by_reads_and_finished_by_follow(
        data_dir: Path, model: SlowModelServer) -> None:
    lead_id, run_id, killed_at = kill_mid_model_call(data_dir, model)

    assert lead_status(data_dir, lead_id) == "ai_evaluating"
    runs = cli(data_dir, "runs")
    line = next(x for x in runs.stdout.splitlines() if x.startswith(run_id))
    assert line.split()[2:5] == ["interrupted", "call-workers-ai", "1"], runs.stdout
    assert "leaselab-desktop follow RUN" in runs.stdout
    (snap,) = [r for r in json.loads(cli(data_dir, "runs", "--json").stdout) if r["run_id"] == run_id]
    assert snap["interrupted"] and snap["lead_id"] == lead_id
    time.sleep(0.5)
    assert model.requests == 1, "a read-only command restarted the model call"
    (cut,) = model_attempts(data_dir)  # no attempt was started, none closed as abandoned
    assert cut["end"] is None

    model.delay_s = 0
    followed = cli(data_dir, "follow", run_id)
    assert f"Following run {run_id} of lead {lead_id} (continuing where it stopped)" in followed.stdout
    assert "Score " in followed.stdout and "✓ send-email-notification" in followed.stdout
    assert "↻ call-workers-ai continues: its earlier attempt was interrupted" in followed.stdout
    assert model.requests == 2  # the interrupted call, then one more for the resume
    assert lead_status(data_dir, lead_id) == "ai_evaluated"
    first, second = model_attempts(data_dir)
    assert first["error"]["name"] == "Interrupted" and second["success"] is True
    start, end = first["start"], first["end"]
    # its real end: when it was last seen alive, within a heartbeat of the kill (not its start)
    assert start + 1.0 < end <= killed_at and killed_at - end <= HEARTBEAT_S + 0.5, (start, end, killed_at)
    assert "complete" in cli(data_dir, "runs").stdout.split(run_id)[1].splitlines()[0]


def test_evaluate_on_a_lead_with_an_interrupted_run_follows_it(data_dir: Path, model: SlowModelServer) -> None:
    lead_id, run_id, _ = kill_mid_model_call(data_dir, model)
    model.delay_s = 0
    again = cli(data_dir, "evaluate", lead_id, "--force", "--reason", "try again")
    assert f"is already running - run {run_id}. Following it to its end." in again.stdout
    assert "Score " in again.stdout
    assert model.requests == 2
    assert lead_status(data_dir, lead_id) == "ai_evaluated"


def test_terminate_then_retry_an_interrupted_run(data_dir: Path, model: SlowModelServer) -> None:
    lead_id, run_id, _ = kill_mid_model_call(data_dir, model)
    stopped = cli(data_dir, "terminate", run_id)
    assert f"Run {run_id} stopped (terminated)" in stopped.stdout
    assert lead_status(data_dir, lead_id) == "documents_received"
    assert model.requests == 1
    model.delay_s = 0
    retried = cli(data_dir, "retry", run_id)
    assert "Score " in retried.stdout
    assert model.requests == 2
    assert lead_status(data_dir, lead_id) == "ai_evaluated"
    unknown = cli(data_dir, "follow", "run_nope", ok=False)
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: Run run_nope was not found."


def test_ctrl_c_closes_the_cut_attempt_at_once(data_dir: Path, model: SlowModelServer) -> None:
    """Interrupted by the user (SIGINT), not killed: the attempt is closed as interrupted when the
    command exits, with that moment as its end, and the run waits to be followed."""
    leads = json.loads(cli(data_dir, "leads", "--json").stdout)
    lead_id = next(lead["id"] for lead in leads if lead["status"] == "documents_received")
    proc = subprocess.Popen([sys.executable, "-m", "leaselab_desktop", "--data-dir", str(data_dir),
                             "evaluate", lead_id], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(data_dir))
    try:
        deadline = time.monotonic() + CLI_TIMEOUT_S
        while model.requests == 0:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        time.sleep(0.5)
        stopped_at = time.time()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    (cut,) = model_attempts(data_dir)
    assert cut["interrupted"] and cut["error"]["name"] == "Interrupted"
    assert stopped_at - 0.05 <= cut["end"] <= stopped_at + 5 and cut["end"] - cut["start"] >= 0.5
    line = next(x for x in cli(data_dir, "runs").stdout.splitlines() if x.split()[1:2] == [lead_id])
    assert line.split()[2:5] == ["interrupted", "call-workers-ai", "1"]
    assert lead_status(data_dir, lead_id) == "ai_evaluating"
    assert model.requests == 1
