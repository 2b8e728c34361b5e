"""The one module that imports qasync: one event loop shared by Qt and asyncio.

``asyncio.Runner(loop_factory=...)`` works on 3.11+ (``asyncio.run(loop_factory=)`` needs 3.12).
"""

from __future__ import annotations

import asyncio
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
    """Run ``main()`` to completion on a qasync loop bound to ``app``; the loop is closed after."""
    with asyncio.Runner(loop_factory=lambda: new_event_loop(app)) as runner:
        if exception_handler is not None:
            runner.get_loop().set_exception_handler(exception_handler)
        return runner.run(main())
