"""Helpers shared by the engine tests (a uniquely named module: the suite has no packages)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from leaselab_desktop.engine import InstanceHandle, WorkflowEntrypoint

Body = Callable[[Any, Any], Awaitable[Any]]


class FnFlow(WorkflowEntrypoint):
    """A workflow whose ``run`` is a function given by the test."""

    def __init__(self, body: Body) -> None:
        super().__init__(env=None)
        self.body = body

    async def run(self, event: Any, step: Any) -> Any:
        return await self.body(event, step)


async def until(pred: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.001)


async def until_status(h: InstanceHandle, *statuses: str, timeout: float = 5.0) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        st = await h.status()
        if st["status"] in statuses:
            return st
        if loop.time() > end:
            raise AssertionError(f"status stayed {st['status']!r}, wanted {statuses}")
        await asyncio.sleep(0.001)
