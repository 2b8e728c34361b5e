"""Injectable clocks: the system clock, and a manual clock so tests never really sleep."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Wall-clock time, seconds since the epoch (stored in the database)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """Virtual time. ``auto=True``: every sleep returns at once and moves time forward by its
    duration. ``auto=False``: sleepers wait until :meth:`advance` moves time past their deadline.
    Every requested duration is recorded in :attr:`sleeps`."""

    def __init__(self, *, start: float = 1_800_000_000.0, auto: bool = False) -> None:
        self._now = 0.0
        self._wall0 = start
        self.auto = auto
        self.sleeps: list[float] = []
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._wall0 + self._now

    @property
    def pending(self) -> int:
        """Sleepers currently waiting (not done)."""
        return sum(1 for _, _, fut in self._heap if not fut.done())

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        self.sleeps.append(seconds)
        if self.auto:
            self._now += seconds
            self._wake_due()
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self._now + seconds, next(self._seq), fut))
        await fut

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)
        self._wake_due()

    async def advance_async(self, seconds: float, *, settle: int = 20) -> None:
        """Advance, then let woken tasks run for a few loop iterations."""
        self.advance(seconds)
        for _ in range(settle):
            await asyncio.sleep(0)

    def _wake_due(self) -> None:
        while self._heap and self._heap[0][0] <= self._now:
            _, _, fut = heapq.heappop(self._heap)
            if not fut.done():
                fut.set_result(None)
