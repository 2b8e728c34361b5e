"""The JavaScript reference port (written from the policy README alone) agrees with every vector."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from leaselab_desktop.screening.policy import resources_dir

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_reference_port_passes_every_vector() -> None:
    assert NODE is not None
    script = resources_dir() / "policy" / "reference-port.mjs"
    repo = resources_dir().parent
    done = subprocess.run(
        [NODE, str(script), str(repo)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(", 0 mismatches")
    count = int(done.stdout.split()[0])
    assert count == len(list((repo / "tests" / "vectors").glob("*.json")))
