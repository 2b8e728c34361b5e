"""Fixtures for the engine tests: engines on real SQLite files, a manual clock, tiny flows."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.engine import Engine, ManualClock, WorkflowEntrypoint
from leaselab_desktop.engine.writer import THREAD_NAME


@pytest.fixture(autouse=True)
def _writer_threads_joined() -> Iterator[None]:
    """The writer is a daemon thread (the root fixture ignores those): check it is joined."""
    yield
    left = [t for t in threading.enumerate() if t.name == THREAD_NAME and t.is_alive()]
    assert not left, "an engine writer thread was left running (engine not closed?)"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "engine" / "workflows.db"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(auto=False)


@pytest.fixture
async def make_engine(db_path: Path) -> AsyncIterator[Callable[..., Awaitable[Engine]]]:
    engines: list[Engine] = []

    async def factory(workflows: dict[str, WorkflowEntrypoint], **kw: Any) -> Engine:
        kw.setdefault("clock", ManualClock(auto=True))
        engine = Engine(kw.pop("db_path", db_path), workflows, **kw)
        engines.append(engine)
        await engine.start()
        return engine

    yield factory
    for engine in engines:
        await engine.close()
