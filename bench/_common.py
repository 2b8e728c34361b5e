"""Shared bits of the benchmarks: percentiles, printing figures against targets, --json."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(title: str, figures: dict[str, Any], targets: dict[str, tuple[str, float]], json_path: Path | None) -> int:
    """Print each figure (with its target where one is set); write JSON; exit 1 if a target is missed."""
    print(f"== {title}")
    missed = 0
    for key, value in figures.items():
        line = f"  {key:<26} {value:>10.3f}" if isinstance(value, float) else f"  {key:<26} {value!s:>10}"
        if key in targets:
            op, target = targets[key]
            ok = value <= target if op == "<=" else value >= target
            missed += not ok
            line += f"   target {op} {target:g}  {'ok' if ok else 'MISSED'}"
        print(line)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
        print(f"  written to {json_path}")
    return 1 if missed else 0
