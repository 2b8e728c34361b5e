from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths


@pytest.fixture
async def backend(tmp_path: Path) -> AsyncIterator[LocalBackend]:
    b = await LocalBackend.open(Paths(tmp_path / "data"), count_free_providers=True)
    yield b
    await b.aclose()


async def _run_to_end(backend: LocalBackend, run_id: str) -> list:
    snaps = []
    async for s in backend.watch_run(run_id):
        snaps.append(s)
    return snaps


@pytest.fixture
def run_to_end():  # type: ignore[no-untyped-def]
    """Follow a run through watch_run to its end; returns every snapshot seen."""
    return _run_to_end
