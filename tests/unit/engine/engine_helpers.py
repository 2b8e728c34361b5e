"""Helpers shared by the engine tests (a uniquely named module: the suite has no packages)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
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


class SideEffectFlow(WorkflowEntrypoint):
    """Seven steps; each appends its name to a side-effect file and returns i·10. With
    ``hang_at``, that step writes ``ready`` after its side effect and then hangs."""

    def __init__(self, side: Path, hang_at: str | None = None, ready: Path | None = None) -> None:
        super().__init__(env=None)
        self.side, self.hang_at, self.ready = side, hang_at, ready

    async def run(self, event: Any, step: Any) -> Any:
        from leaselab_desktop.engine import Retries, StepConfig

        total = 0
        for i in range(1, 8):
            name = f"step-{i}"

            async def fn(i: int = i, name: str = name) -> int:
                with open(self.side, "a", encoding="utf-8") as fh:
                    fh.write(name + "\n")
                if name == self.hang_at and self.ready is not None:
                    self.ready.write_text("in step 4", encoding="utf-8")
                    await asyncio.sleep(3600)
                return i * 10

            cfg = StepConfig(retries=Retries(limit=1, delay=0.01), timeout=60)
            total += await step.do(name, fn, config=cfg)
        return {"total": total, "lead": event.payload["lead"]}


def note(log: list[str], name: str, value: Any = None) -> Any:
    """Record that a step function ran, and return ``value`` (or the number of records)."""
    log.append(name)
    return len(log) if value is None else value
