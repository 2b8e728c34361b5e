"""Read the Python sources for what they emit: signal codes with their severities, and lead statuses
written by SQL. Static, so a code path no test reaches is still checked against the spec."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "leaselab_desktop"
SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Emitted:
    code: str
    severities: frozenset[str]  # empty: not a literal, only the code is checked
    where: str


def _modules(folder: Path) -> Iterator[tuple[str, ast.Module]]:
    for f in sorted(folder.rglob("*.py")):
        yield f.relative_to(PACKAGE.parent).as_posix(), ast.parse(f.read_text(encoding="utf-8"))


def _literals(node: ast.expr | None, assigned: dict[str, list[ast.expr]]) -> set[str] | None:
    """The strings an expression can be, or None when it is not made of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _literals(node.body, assigned), _literals(node.orelse, assigned)
        return a | b if a is not None and b is not None else None
    if isinstance(node, ast.Name) and node.id in assigned:
        found: set[str] = set()
        for value in assigned[node.id]:
            got = _literals(value, assigned)
            if got is None:
                return None
            found |= got
        return found
    return None


def _assignments(func: ast.AST) -> dict[str, list[ast.expr]]:
    out: dict[str, list[ast.expr]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
    return out


def emitted_signals(folder: Path = PACKAGE / "screening") -> list[Emitted]:
    """Every ``signal(code, severity, …)`` / ``Signal(code=…, severity=…)`` call with a literal code,
    and every ``(code, severity, …)`` tuple literal (tables such as READ_ERROR_SIGNALS)."""
    found: list[Emitted] = []
    for where, module in _modules(folder):
        scopes: list[ast.AST] = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for scope in [module, *scopes]:
            assigned = _assignments(scope)
            for node in ast.walk(scope):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                    "signal", "Signal",
                ):
                    kw = {k.arg: k.value for k in node.keywords}
                    code_node = node.args[0] if node.args else kw.get("code")
                    sev_node = node.args[1] if len(node.args) > 1 else kw.get("severity")
                    codes = _literals(code_node, assigned)
                    if codes is None:
                        continue
                    sevs = _literals(sev_node, assigned) or set()
                    found += [Emitted(c, frozenset(sevs), f"{where}:{node.lineno}") for c in codes]
                elif isinstance(node, ast.Tuple) and len(node.elts) >= 2 and scope is module:
                    code, sev = (_literals(e, {}) for e in node.elts[:2])
                    if code and sev and len(code) == 1 and not code & set(SEVERITIES) and sev <= set(SEVERITIES):
                        found.append(Emitted(code.pop(), frozenset(sev), f"{where}:{node.lineno}"))
    return sorted(set(found), key=lambda e: (e.code, e.where))


_LEADS_SQL = re.compile(r"\bUPDATE\s+leads\b", re.IGNORECASE)
_QUOTED = re.compile(r"'([a-z_]+)'")


def written_lead_statuses(folder: Path = PACKAGE) -> list[tuple[str, str]]:
    """(status, where) for every quoted word in an ``UPDATE leads`` statement and every literal
    passed to a ``set_lead_status`` call."""
    found: list[tuple[str, str]] = []
    for where, module in _modules(folder):
        for node in ast.walk(module):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _LEADS_SQL.search(node.value):
                found += [(w, f"{where}:{node.lineno}") for w in _QUOTED.findall(node.value)]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == (
                "set_lead_status"
            ):
                for arg in node.args[1:]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.append((arg.value, f"{where}:{node.lineno}"))
    return found
