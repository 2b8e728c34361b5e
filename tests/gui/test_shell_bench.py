"""bench/gui.py runs end to end on a small data set and writes every figure to its JSON file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_gui_benchmark_writes_all_figures(tmp_path: Path) -> None:
    out = tmp_path / "gui.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gui.py"), "--leads", "600", "--evaluations", "3",
         "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        # "≤" through a pipe: Windows' default pipe encoding (cp1252) cannot carry it
        encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    for key in ("cold_start_s", "load_100k_s", "filter_ms", "sort_ms", "rss_100k_mb",
                "heartbeat_worst_gap_ms"):
        assert isinstance(data[key], float) and data[key] > 0, key
        assert f"{key}" in proc.stdout  # printed against its target
    assert data["leads_loaded"] == 600
    assert data["evaluations_complete"] == 3
    assert "target ≤" in proc.stdout
