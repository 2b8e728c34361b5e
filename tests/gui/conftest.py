"""GUI test fixtures: one QApplication, a qasync event loop for every async test, and a check that
no TaskRunner task outlives its test (asyncio tasks, threads and Qt timers: the root conftest).

Rules for async GUI tests: never call ``qtbot.wait*`` / ``QDialog.exec()`` inside a
coroutine (nested loops drop asyncio steps). Await ``until(predicate)`` from this conftest instead.
Sync widget tests may use ``qtbot`` freely.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from leaselab_desktop.config import Paths
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from tests.conftest import leftover_tasks


def _qasync_loop() -> asyncio.AbstractEventLoop:
    """The app's own loop (qasync, with ready callbacks batched per Qt event)."""
    from leaselab_desktop.gui.loop import new_event_loop

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    return new_event_loop(app)


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """pytest-asyncio >= 1.4: every async test under tests/gui runs on a qasync loop."""
    return {"qasync": _qasync_loop}


_leftover_tasks = leftover_tasks  # the check itself is the root conftest's (every async test)


@pytest.fixture(autouse=True)
def _collect_qt_garbage_in_the_gui_thread() -> Iterator[None]:
    """Set up before (so torn down after) the event loop: a closed qasync loop holds QObjects with
    timers in reference cycles; collected later by a GC pass that happens to run in a worker
    thread (SQLite, executor), Qt warns 'Timers cannot be stopped from another thread'."""
    yield
    gc.collect()


@pytest.fixture
def paths(_isolated_data_dir: Any) -> Paths:
    """The per-test data dir (root conftest points LEASELAB_DATA_DIR at a tmp dir)."""
    return Paths.resolve().ensure()


@pytest.fixture
def tasks(qapp: QtWidgets.QApplication) -> Iterator[TaskRunner]:
    """A TaskRunner that must be empty when the test ends (await ``tasks.cancel_all()`` first)."""
    runner = TaskRunner()
    yield runner
    pending = runner.pending
    assert pending == 0, f"test left {pending} TaskRunner task(s) pending"


Predicate = Callable[[], Any]


async def _until(predicate: Predicate, timeout: float = 10.0, interval: float = 0.01) -> Any:
    """Await until ``predicate()`` is truthy, letting the qasync loop (and Qt events) run."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout:.1f}s: {predicate}")
        await asyncio.sleep(interval)


@pytest.fixture
def until() -> Callable[..., Awaitable[Any]]:
    return _until


def active_timers(root: QtCore.QObject) -> list[QtCore.QTimer]:
    """Active QTimers under ``root`` (tests assert none survive a shutdown)."""
    return [t for t in root.findChildren(QtCore.QTimer) if t.isActive()]


@pytest.fixture(autouse=True)
def _close_top_level_widgets(qapp: QtWidgets.QApplication) -> Iterator[None]:
    yield
    for w in QtWidgets.QApplication.topLevelWidgets():
        w.close()
        w.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
