"""Provider test fixtures: a scripted HTTP server on loopback, stopped (thread joined) at teardown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loopback_server import ScriptedServer


@pytest.fixture()
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
