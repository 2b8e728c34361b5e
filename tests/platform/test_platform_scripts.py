"""The two commands on every OS: the bash scripts use only what a stock macOS has (bash 3.2, BSD
tools), the PowerShell twins parse, and both read the one list of test steps."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_steps() -> ModuleType:
    spec = importlib.util.spec_from_file_location("test_steps_under_test", ROOT / "scripts" / "test_steps.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# GNU coreutils/sed/grep options and bash 4+ syntax that macOS (bash 3.2, BSD tools) lacks.
NOT_ON_MACOS = {
    r"\bsha256sum\b|\bmd5sum\b": "GNU coreutils: use Python's hashlib (or `shasum -a 256`)",
    r"\breadlink\s+-f\b": "GNU readlink: use `cd \"$(dirname ...)\" && pwd`",
    r"\bsed\s+(-[a-zA-Z]*\s+)*-i(\s|$)(?!'')": "GNU sed -i: BSD sed needs a suffix (-i '' or -i.bak)",
    r"\bdeclare\s+-[a-zA-Z]*A|\bmapfile\b|\breadarray\b": "bash 4+: not in macOS's bash 3.2",
    r"\$\{[A-Za-z_][A-Za-z0-9_]*(,,|\^\^)": "bash 4+ case conversion",
    r"\|&|&>>": "bash 4+ redirection",
    r"\bgrep\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*P": "GNU grep -P",
    r"\bdate\s+(-[a-zA-Z]*\s+)*-d\b|\bstat\s+-c\b|\bxargs\s+-r\b|\bbase64\s+-w\b|\bfind\b.*-printf": "GNU-only option",
    r"(^|[;&|(]\s*)(nproc|tac|timeout)\b(?!-)": "not in macOS's base system",
}
MACOS_SCRIPTS = ("scripts/_venv.sh", "scripts/run-app", "scripts/run-tests", "packaging/build")


def portability_problems(text: str) -> list[str]:
    problems = []
    for n, line in enumerate(text.splitlines(), start=1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        for pattern, why in NOT_ON_MACOS.items():
            if re.search(pattern, code):
                problems.append(f"line {n}: {line.strip()} -- {why}")
    return problems


@pytest.mark.parametrize("script", MACOS_SCRIPTS)
def test_shell_scripts_use_only_what_macos_ships(script: str) -> None:
    assert portability_problems((ROOT / script).read_text(encoding="utf-8")) == []


def test_the_portability_check_catches_gnu_only_lines() -> None:
    bad = 'want="$(sha256sum f | cut -d" " -f1)"\nsed -i "s/a/b/" f\ndeclare -A seen\necho "${x,,}"\n'
    assert len(portability_problems(bad + "n=$(nproc)\n")) == 5
    assert portability_problems("sed -i '' 's/a/b/' f\n# sha256sum in a comment\nrun --timeout 5\n") == []


def powershell_errors(source: bytes) -> list[str]:
    ts = pytest.importorskip("tree_sitter", reason="tree-sitter is not installed (pip install -e '.[test]')")
    grammar = pytest.importorskip("tree_sitter_powershell", reason="tree-sitter-powershell is not installed")
    tree = ts.Parser(ts.Language(grammar.language())).parse(source)
    found: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            found.append(f"{row + 1}:{col + 1}: {source[node.start_byte:node.end_byte][:60]!r}")
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return found


@pytest.mark.parametrize(
    "script", ["scripts/_venv.ps1", "scripts/run-app.ps1", "scripts/run-tests.ps1", "packaging/build.ps1"]
)
def test_powershell_scripts_parse(script: str) -> None:
    """A grammar check (tree-sitter-powershell) on every OS; Windows CI then runs them for real."""
    assert powershell_errors((ROOT / script).read_bytes()) == []


def test_the_powershell_check_catches_broken_scripts() -> None:
    assert powershell_errors(b"function F { if ($x -eq 1) { Write-Host 'a' }\n")
    assert powershell_errors(b"$steps = @('a', 'b'\nWrite-Host $steps\n")
    assert powershell_errors(b"Write-Host 'fine'\n") == []


def test_both_runners_read_the_one_step_list() -> None:
    assert "scripts/test_steps.py" in (ROOT / "scripts" / "run-tests").read_text(encoding="utf-8")
    assert "scripts\\test_steps.py" in (ROOT / "scripts" / "run-tests.ps1").read_text(encoding="utf-8")
    assert "./scripts/run-tests" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_steps_run_on_after_a_failure_and_skip_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    steps = load_steps()
    ok = [sys.executable, "-c", "pass"]
    monkeypatch.setattr(steps, "STEPS", [
        steps.Step("lint", lambda _: [sys.executable, "-c", "raise SystemExit(3)"]),
        steps.Step("absent", lambda _: ok, unavailable=lambda: "`absent` is not installed here"),
        steps.Step("pytest", lambda args: [sys.executable, "-c", "import sys; print(sys.argv[1:])", *args]),
    ])  # fmt: skip
    assert steps.main(["-m", "not worker"]) == 1
    out = capfd.readouterr().out
    assert "== lint" in out and "SKIPPED: `absent` is not installed here" in out
    assert "['-m', 'not worker']" in out  # pytest arguments pass through
    assert "1 ok, 1 failed, 1 skipped (failed: lint)" in out
    assert steps.main(["--skip=lint,absent"]) == 0
    assert steps.main(["--steps=absent"]) == 0  # skipped is not failed
    with pytest.raises(SystemExit, match="unknown step"):
        steps.main(["--steps=lnit"])


def test_the_real_step_list() -> None:
    names = [s.name.split()[0] for s in load_steps().STEPS]
    assert names[:2] == ["shellcheck", "actionlint"] and "pytest" in names and "worker" in names


@pytest.mark.parametrize("script", [*MACOS_SCRIPTS, ".ci/run", "packaging/linux/install.sh"])
def test_shell_scripts_are_checked_out_with_lf(script: str) -> None:
    """On Windows, git's core.autocrlf would give them CRLF (bash then fails on `$'\\r'`);
    .gitattributes pins LF, and this checks the checkout CI actually got."""
    assert b"\r" not in (ROOT / script).read_bytes()
