"""Where ``resources/`` is: beside the package in a checkout, under ``sys._MEIPASS`` when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    candidates.append(Path(__file__).resolve().parent / "resources")
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError("The resources folder was not found next to the application")
