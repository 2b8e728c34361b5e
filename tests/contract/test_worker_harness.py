"""The worker harness itself: it must tell a dead runtime apart from a slow one (a crashed workerd
otherwise only shows as a client timeout in whichever test was running)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from worker_server import WorkerServer


def _server(tmp_path: Path, log: str, process: subprocess.Popen[bytes] | None = None) -> WorkerServer:
    path = tmp_path / "wrangler.log"
    path.write_text(log, encoding="utf-8")
    return WorkerServer(
        base_url="http://127.0.0.1:9", token="t", site_id="s", other_site_token="o", other_site_id="o",
        user_id="u", lead_ids=[], other_lead_ids=[], state_dir=tmp_path, log_path=path, demo_dir=None,
        process=process,
    )


def test_a_running_worker_has_not_died(tmp_path: Path) -> None:
    log = "[wrangler:info] GET /api/ops/leads 200 OK (9ms)\n[wrangler:info] Ready on http://127.0.0.1:9\n"
    assert _server(tmp_path, log).runtime_died() is None


def test_a_v8_fatal_error_in_the_log_is_a_dead_runtime(tmp_path: Path) -> None:
    # the lines workerd printed when it died in the contract tests on a loaded machine
    log = (
        "[wrangler:info] POST /api/ops/leads/lead_demo_09/ai-evaluation 202 Accepted (62ms)\n"
        "V8 fatal error; location = :0; message = Missing deoptimization information for "
        "OptimizedJSFrame::Summarize.\n*** Received signal #6: Aborted\nstack: /lib/x86_64-linux-gnu/libc.so.6@8aeeb\n"
    )
    died = _server(tmp_path, log).runtime_died()
    assert died is not None and died.startswith("workerd crashed: V8 fatal error")


def test_an_exited_wrangler_is_a_dead_worker(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait(timeout=30)
    assert _server(tmp_path, "", proc).runtime_died() == "wrangler dev exited with code 3"
