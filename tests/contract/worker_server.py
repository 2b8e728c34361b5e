"""Run the project's worker under ``wrangler dev --local`` (offline) for the contract suite.

No tests here: the contract suite uses :func:`run_worker_dev`::

    with run_worker_dev(tmp_path) as server:
        httpx.get(server.base_url + "/api/ops/leads", headers=server.headers())

What it does, in ``worker/`` (``npm ci`` first when ``node_modules`` is missing):

1. ``wrangler d1 migrations apply DB --local --persist-to <tmp>/state`` (the one schema);
2. the demo dataset (``resources/demo/generator.py``) → SQL (``scripts/seed-demo.mjs --sql``) plus two
   tokens (one for ``site_demo``, one for ``site_other``; only their SHA-256 is stored) →
   ``wrangler d1 execute DB --local --file``;
3. ``wrangler dev --local --ip 127.0.0.1 --port <free> --persist-to <tmp>/state --var AI_PROVIDER:rules``
   (or the ``worker_vars`` given)
   in its own process group, waiting until ``GET /api/health`` answers;
4. the demo documents uploaded through the worker's own upload route (R2 + ``lead_files``);
5. on exit, the process group is stopped (SIGTERM, then SIGKILL after a grace period).

Failures raise :class:`WorkerStartError` with the command and the tail of wrangler's log. Only a
missing ``node`` skips (``pytest.skip``). Everything is offline: metrics and ``cf.json`` fetches
are disabled through wrangler's environment variables.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_DIR = REPO_ROOT / "worker"
DEMO_SITE = "site_demo"
OTHER_SITE = "site_other"
USER_ID = "agent-contract"

NPM_CI_TIMEOUT_S = 600.0
WRANGLER_TIMEOUT_S = 240.0
START_TIMEOUT_S = 120.0
STOP_GRACE_S = 10.0
# how workerd's own crash handler and V8's fatal-error hook begin their lines in wrangler's output
CRASH_MARKERS = ("*** Received signal", "V8 fatal error", "# Fatal error in")


class WorkerStartError(RuntimeError):
    """The worker could not be prepared or started; the message carries the log tail."""


@dataclass
class WorkerServer:
    base_url: str
    token: str
    site_id: str
    other_site_token: str
    other_site_id: str
    user_id: str
    lead_ids: list[str]
    other_lead_ids: list[str]
    state_dir: Path
    log_path: Path
    demo_dir: Path | None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def headers(self, *, other_site: bool = False, user: bool = True) -> dict[str, str]:
        """Headers for the ops API as the demo site's agent (or the other site's)."""
        h = {
            "Authorization": f"Bearer {self.other_site_token if other_site else self.token}",
            "X-Site-Id": self.other_site_id if other_site else self.site_id,
        }
        if user:
            h["X-User-Id"] = self.user_id
        return h

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)

    def runtime_died(self) -> str | None:
        """Why the worker can no longer answer, if it cannot: wrangler exited, or workerd (its
        runtime, which wrangler does not restart) crashed; None while both run."""
        if self.process is not None and self.process.poll() is not None:
            return f"wrangler dev exited with code {self.process.returncode}"
        crash = next((line for line in _tail(self.log_path, 400).splitlines() if line.startswith(CRASH_MARKERS)), None)
        return f"workerd crashed: {crash}" if crash else None

    def execute_sql(self, sql: str) -> str:
        """Run SQL on the worker's local D1 (e.g. to set a site's usage). Slow: one wrangler call."""
        return _wrangler(
            ["d1", "execute", "DB", "--local", "--persist-to", str(self.state_dir), "--yes", "--command", sql],
            self.log_path,
        )

    def set_usage(self, site_id: str, count: int, month: str | None = None) -> None:
        """Set a site's evaluation count for a month (default: the current UTC month)."""
        month = month or datetime.now(UTC).strftime("%Y-%m")
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.execute_sql(
            "INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at) "
            f"VALUES ({_sql(site_id)}, {_sql(month)}, {int(count)}, {_sql(now)}) "
            "ON CONFLICT(site_id, month) DO UPDATE SET evaluation_count = excluded.evaluation_count, "
            "updated_at = excluded.updated_at"
        )


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WRANGLER_SEND_METRICS="false",
        CLOUDFLARE_CF_FETCH_ENABLED="false",
        CI="true",
        NO_COLOR="1",
        FORCE_COLOR="0",
    )
    return env


def _node() -> str | None:
    return shutil.which("node")


def _run(cmd: list[str], log: Path, timeout: float, what: str) -> str:
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
    try:
        proc = subprocess.run(
            cmd, cwd=WORKER_DIR, env=_env(), stdin=subprocess.DEVNULL, capture_output=True,
            timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise WorkerStartError(f"{what} timed out after {timeout:.0f} s\n{_tail(log, 40)}") from exc
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    with log.open("a", encoding="utf-8") as fh:
        fh.write(out)
    if proc.returncode != 0:
        raise WorkerStartError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n--- log tail ---\n{_tail(log, 40)}"
        )
    return proc.stdout.decode("utf-8", "replace")


def _wrangler(args: list[str], log: Path) -> str:
    wrangler_js = WORKER_DIR / "node_modules" / "wrangler" / "bin" / "wrangler.js"
    return _run([_node() or "node", str(wrangler_js), *args], log, WRANGLER_TIMEOUT_S, f"wrangler {args[0]}")


def _ensure_node_modules(log: Path) -> None:
    """``npm ci`` when node_modules is missing or older than the lock file, by the test command's
    own rule (a checkout that pulled a new pin, such as workerd's, must not run the old runtime)."""
    if not _test_steps().worker_packages_stale(WORKER_DIR):
        return
    npm = shutil.which("npm")
    if not npm:
        raise WorkerStartError("worker/node_modules is missing and npm is not installed")
    _run([npm, "ci", "--no-audit", "--no-fund"], log, NPM_CI_TIMEOUT_S, "npm ci")


def _test_steps() -> Any:
    """``scripts/test_steps.py`` (a script, not a package: loaded from its path, once)."""
    name = "leaselab_test_steps"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "test_steps.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up while being defined
        spec.loader.exec_module(module)
    return sys.modules[name]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _token_sql(token: str, site_id: str, name: str) -> str:
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return (
        "INSERT INTO api_tokens (token_hash, name, user_id, created_at, revoked_at) "
        f"VALUES ({_sql(digest)}, {_sql(name)}, {_sql(USER_ID)}, {_sql(now)}, NULL);\n"
        f"INSERT INTO api_token_sites (token_hash, site_id) VALUES ({_sql(digest)}, {_sql(site_id)});\n"
    )


def _generate_demo(out: Path, log: Path) -> Path | None:
    """Write the demo dataset with the project's generator; None when it cannot run."""
    generator = REPO_ROOT / "resources" / "demo" / "generator.py"
    if not generator.is_file():
        return None
    try:
        _run([sys.executable, str(generator), str(out)], log, 300.0, "demo generator")
    except WorkerStartError:
        return None
    return out if (out / "demo.json").is_file() else None


def _get(url: str, headers: Mapping[str, str] | None = None, timeout: float = 2.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status), resp.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise WorkerStartError(
                f"wrangler dev exited with code {proc.returncode}\n--- log tail ---\n{_tail(log, 60)}"
            )
        try:
            status, body = _get(base_url + "/api/health", timeout=2.0)
            if status == 200 and json.loads(body).get("data", {}).get("status") == "ok":
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.25)
    raise WorkerStartError(
        f"wrangler dev did not answer /api/health within {timeout:.0f} s\n--- log tail ---\n{_tail(log, 60)}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.terminate()
        proc.wait(timeout=STOP_GRACE_S)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except ProcessLookupError:
            pass
        proc.wait(timeout=STOP_GRACE_S)


@contextmanager
def run_worker_dev(
    tmp_dir: Path | str, *, port: int | None = None, seed_documents: bool = True,
    worker_vars: Mapping[str, str] | None = None,
) -> Iterator[WorkerServer]:
    """Start the worker offline with migrations, demo data and two tokens; stop it on exit.

    ``worker_vars`` override the worker's vars (default ``AI_PROVIDER=rules``), e.g. an
    ``openai-compatible`` provider with ``AI_BASE_URL`` pointing at a loopback model server."""
    dev_vars = {"AI_PROVIDER": "rules", **(worker_vars or {})}
    if _node() is None:
        import pytest

        pytest.skip("node is not installed: the worker contract tests need Node.js 20+")
    tmp = Path(tmp_dir)
    tmp.mkdir(parents=True, exist_ok=True)
    state = tmp / "state"
    log = tmp / "wrangler.log"
    log.write_text("", encoding="utf-8")

    _ensure_node_modules(log)
    _wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", str(state)], log)

    demo_dir = _generate_demo(tmp / "demo", log)
    seed_sql = tmp / "seed.sql"
    seed_args = ["node", "scripts/seed-demo.mjs", "--sql", str(seed_sql), "--other-site"]
    seed_args += ["--demo-dir", str(demo_dir)] if demo_dir else ["--inline"]
    # Leads only: the documents are uploaded through the running worker (R2 + lead_files) below.
    seed_out = _run([*seed_args, "--no-files"], log, 120.0, "seed-demo")
    summary = json.loads(seed_out.strip().splitlines()[-1])

    token = "llk_" + secrets.token_urlsafe(32)
    other_token = "llk_" + secrets.token_urlsafe(32)
    with seed_sql.open("a", encoding="utf-8") as fh:
        fh.write(_token_sql(token, DEMO_SITE, "contract demo"))
        fh.write(_token_sql(other_token, OTHER_SITE, "contract other"))
    _wrangler(["d1", "execute", "DB", "--local", "--persist-to", str(state), "--yes", "--file", str(seed_sql)], log)

    chosen = port
    proc, log_fh, base_url = _start_dev(state, log, chosen, dev_vars)
    try:
        try:
            _wait_healthy(proc, base_url, log, START_TIMEOUT_S)
        except WorkerStartError:
            # A free port picked here can be taken by someone else before wrangler binds it: retry
            # once on a new port (only when the caller did not ask for a port).
            if chosen is not None or "Address already in use" not in _tail(log, 80):
                raise
            _stop(proc)
            log_fh.close()
            proc, log_fh, base_url = _start_dev(state, log, None, dev_vars)
            _wait_healthy(proc, base_url, log, START_TIMEOUT_S)
        server = WorkerServer(
            base_url=base_url, token=token, site_id=DEMO_SITE, other_site_token=other_token,
            other_site_id=OTHER_SITE, user_id=USER_ID, lead_ids=list(summary["leads"]),
            other_lead_ids=["lead_other_01"], state_dir=state, log_path=log, demo_dir=demo_dir, process=proc,
        )
        if seed_documents:
            upload = [*seed_args[:2], "--sql", str(tmp / "seed-upload.sql"), "--other-site"]
            upload += ["--demo-dir", str(demo_dir)] if demo_dir else ["--inline"]
            _run([*upload, "--upload-to", base_url, "--token", token], log, 300.0, "document upload")
        yield server
    finally:
        _stop(proc)
        log_fh.close()


def _start_dev(
    state: Path, log: Path, port: int | None, dev_vars: Mapping[str, str],
) -> tuple[subprocess.Popen[bytes], IO[bytes], str]:
    """Start `wrangler dev --local` in its own process group; output goes to the log."""
    port = port or _free_port()
    inspector = _free_port()
    wrangler_js = WORKER_DIR / "node_modules" / "wrangler" / "bin" / "wrangler.js"
    cmd = [
        _node() or "node", str(wrangler_js), "dev", "--local", "--ip", "127.0.0.1", "--port", str(port),
        "--inspector-port", str(inspector), "--persist-to", str(state),
        *[arg for k, v in dev_vars.items() for arg in ("--var", f"{k}:{v}")],
        "--show-interactive-dev-session=false", "--log-level", "log",
    ]
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
    log_fh = log.open("ab")
    proc = subprocess.Popen(
        cmd, cwd=WORKER_DIR, env=_env(), stdin=subprocess.DEVNULL, stdout=log_fh, stderr=subprocess.STDOUT,
        start_new_session=(os.name == "posix"),
    )
    return proc, log_fh, f"http://127.0.0.1:{port}"
