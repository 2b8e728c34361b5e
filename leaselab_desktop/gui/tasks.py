"""Strongly-referenced asyncio tasks for widgets.

Widgets never await on the GUI thread's behalf; they ``spawn`` coroutines here. Each task is kept
until it ends (a bare ``create_task`` can be garbage-collected mid-flight), its failure is reported
through ``failed`` (never silent), and shutdown cancels whatever is still pending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from leaselab_desktop.gui.qt import QObject, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)


class TaskRunner(QObject):
    failed = Signal(str, object)  # (what was being done, exception)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        what: str,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[T]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if exc is None:
                return
            if on_error is not None:
                try:
                    on_error(exc)
                    return
                except Exception as handler_exc:  # the handler itself failed: report both
                    log.exception("error handler for %s failed", what)
                    exc = handler_exc
            log.error("%s failed", what, exc_info=exc)
            self.failed.emit(what, exc)

        task.add_done_callback(done)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
