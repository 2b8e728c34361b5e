"""The one module that imports qasync: one event loop shared by Qt and asyncio.

``asyncio.Runner(loop_factory=...)`` works on 3.11+ (``asyncio.run(loop_factory=)`` needs 3.12).
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import qasync

from leaselab_desktop.gui.qt import QtWidgets

T = TypeVar("T")


class BatchingQEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync runs every ready callback in a zero-delay Qt timer of its own, so each one is a
    separate entry from Qt into Python: a GIL take that waits while worker threads run. Here the
    callbacks that are ready together run in one Qt timer event, in order; those they schedule run
    in the next one, after Qt has handled its own events (paints, input, timers) in between."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batch: deque[asyncio.Handle] = deque()
        self._batch_due = False

    def call_soon(self, callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with call_soon")
        handle = asyncio.Handle(callback, args, self, context=context)
        self._batch.append(handle)
        if not self._batch_due:
            self._batch_due = True
            super().call_later(0, self._run_batch)
        return handle

    def _run_batch(self) -> None:
        self._batch_due = False
        batch, self._batch = self._batch, deque()
        while batch:
            handle = batch.popleft()
            if handle.cancelled():
                continue
            try:
                handle._run()
            except BaseException:  # SystemExit/KeyboardInterrupt pass through Handle._run: keep the rest
                self._batch.extendleft(reversed(batch))
                if self._batch and not self._batch_due:
                    self._batch_due = True
                    super().call_later(0, self._run_batch)
                raise

    def close(self) -> None:
        self._batch.clear()
        super().close()


def new_event_loop(app: QtWidgets.QApplication) -> asyncio.AbstractEventLoop:
    loop: asyncio.AbstractEventLoop = BatchingQEventLoop(app)
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
