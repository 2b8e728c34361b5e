"""Platform tests: each OS branch runs here with the platform injected, and again without
injection on its own OS in CI (windows-latest, macos-14, ubuntu)."""

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

