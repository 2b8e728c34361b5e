"""The Qt-free core contract: nothing under domain, engine, screening, store, backends imports Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import leaselab_desktop

CORE = ("domain", "engine", "screening", "store", "backends")
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qasync")


def test_no_qt_import_in_core_sources() -> None:
    root = Path(leaselab_desktop.__file__).parent
    offenders = []
    for pkg in CORE:
        for path in (root / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in QT]
    assert not offenders, offenders


def test_importing_core_loads_no_qt() -> None:
    code = (
        "import sys, importlib, pkgutil, leaselab_desktop as p\n"
        f"for sub in {CORE!r}:\n"
        "    m = importlib.import_module('leaselab_desktop.' + sub)\n"
        "    for info in pkgutil.walk_packages(m.__path__, m.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        f"bad = [n for n in sys.modules if n.split('.')[0] in {QT!r}]\n"
        "print(','.join(bad)); raise SystemExit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
