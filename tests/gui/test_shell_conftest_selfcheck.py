"""The GUI conftest itself: async tests run on the app's qasync loop, and leftovers are caught."""

from __future__ import annotations

import asyncio

import pytest

from leaselab_desktop.gui.qt import QTimer, QtWidgets
from tests.gui.conftest import _leftover_tasks


async def test_async_tests_run_on_qasync_loop(until) -> None:
    import qasync

    from leaselab_desktop.gui.loop import BatchingQEventLoop

    loop = asyncio.get_running_loop()
    assert isinstance(loop, BatchingQEventLoop) and isinstance(loop, qasync.QEventLoop)  # the app's loop
    fired: list[int] = []
    QTimer.singleShot(10, lambda: fired.append(1))  # a Qt timer fires while we await asyncio
    await until(lambda: fired)
    assert QtWidgets.QApplication.instance() is not None


async def test_leftover_detection_sees_a_pending_task() -> None:
    task = asyncio.ensure_future(asyncio.sleep(30))
    assert task in _leftover_tasks()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task not in _leftover_tasks()


async def test_until_times_out_with_a_clear_message(until) -> None:
    with pytest.raises(AssertionError, match="condition not met"):
        await until(lambda: False, timeout=0.05)


def test_the_root_leak_check_sees_an_active_timer_on_the_application(qapp) -> None:
    from tests.conftest import active_qt_timers

    timer = QTimer(qapp)
    timer.start(60_000)
    try:
        assert timer in active_qt_timers()
    finally:
        timer.stop()
        timer.deleteLater()
    assert timer not in active_qt_timers()


def test_the_root_leak_check_sees_a_daemon_thread() -> None:
    import threading

    from tests.conftest import leftover_threads

    before = set(threading.enumerate())
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, name="leak-probe", daemon=True)
    t.start()
    assert leftover_threads(before) == [t]
    stop.set()
    t.join()
    assert leftover_threads(before) == []


def test_the_root_leak_check_sees_a_parentless_timer(qapp) -> None:
    from tests.conftest import active_qt_timers

    timer = QTimer()  # no parent: found through the garbage collector
    timer.start(60_000)
    try:
        assert timer in active_qt_timers()
    finally:
        timer.stop()
