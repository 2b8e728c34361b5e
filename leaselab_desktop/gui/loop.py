"""The one module that imports qasync: one event loop shared by Qt and asyncio.

``asyncio.Runner(loop_factory=...)`` works on 3.11+ (``asyncio.run(loop_factory=)`` needs 3.12).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import qasync

from leaselab_desktop.gui.qt import QtWidgets

T = TypeVar("T")


def new_event_loop(app: QtWidgets.QApplication) -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    return loop


def run(
    app: QtWidgets.QApplication,
    main: Callable[[], Coroutine[Any, Any, T]],
    *,
    exception_handler: Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None] | None = None,
) -> T:
    """Run ``main()`` to completion on a qasync loop bound to ``app``; the loop is closed after.

    While it runs, the interpreter's thread switch interval is 1 ms instead of 5 ms: every Qt
    callback into Python (a paint, an event filter, a loop callback) must take the GIL, and while
    evaluations keep worker threads busy each take waited up to a whole interval, so one repaint
    (several takes) cost 40 ms instead of 3 (bench/gui.py heartbeat)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, GUI_SWITCH_INTERVAL_S))
    try:
        return _run(app, main, exception_handler)
    finally:
        sys.setswitchinterval(previous)


GUI_SWITCH_INTERVAL_S = 0.001


def _run(
    app: QtWidgets.QApplication,
    main: Callable[[], Coroutine[Any, Any, T]],
    exception_handler: Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None] | None,
) -> T:
    with asyncio.Runner(loop_factory=lambda: new_event_loop(app)) as runner:
        if exception_handler is not None:
            runner.get_loop().set_exception_handler(exception_handler)
        return runner.run(main())
