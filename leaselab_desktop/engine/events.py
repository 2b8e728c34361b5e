"""In-process publication of engine events to async-iterator subscribers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from leaselab_desktop.engine.records import FINISHED

EventKind = Literal["step.started", "step.retrying", "step.completed", "step.failed", "status"]


@dataclass(frozen=True)
class EngineEvent:
    """Published to subscribers. ``at`` is wall-clock epoch seconds from the engine's clock."""

    kind: EventKind
    instance_id: str
    workflow: str
    at: float
    step: str | None = None
    attempt: int | None = None
    status: str | None = None
    error: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

_END = object()


class Subscription:
    """Async iterator of :class:`EngineEvent`. Registered as soon as it is created, so no event
    published after ``engine.subscribe()`` returns is missed. Ends when closed, when the engine
    closes, or (``until_finished=True`` with an instance id) after the instance finishes."""

    def __init__(self, hub: EventHub, instance_id: str | None, until_finished: bool) -> None:
        self._hub = hub
        self.instance_id = instance_id
        self._until_finished = until_finished
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._closed = False

    def _offer(self, event: EngineEvent) -> None:
        if self.instance_id is not None and event.instance_id != self.instance_id:
            return
        self._queue.put_nowait(event)
        if self._until_finished and event.kind == "status" and event.status in FINISHED:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._hub.discard(self)
            self._queue.put_nowait(_END)

    @property
    def backlog(self) -> int:
        """Events already queued; a watcher can skip to the newest one of a burst."""
        return self._queue.qsize()

    def drain(self) -> list[EngineEvent]:
        """The events already queued, taken without waiting (the end of the stream stays)."""
        out: list[EngineEvent] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is _END:
                self._queue.put_nowait(_END)
                break
            assert isinstance(item, EngineEvent)
            out.append(item)
        return out

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> EngineEvent:
        item = await self._queue.get()
        if item is _END:
            self._queue.put_nowait(_END)
            raise StopAsyncIteration
        assert isinstance(item, EngineEvent)
        return item

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class EventHub:
    def __init__(self) -> None:
        self._subs: list[Subscription] = []

    @property
    def active(self) -> bool:
        return bool(self._subs)

    def subscribe(self, instance_id: str | None, until_finished: bool = False) -> Subscription:
        sub = Subscription(self, instance_id, until_finished)
        self._subs.append(sub)
        return sub

    def discard(self, sub: Subscription) -> None:
        if sub in self._subs:
            self._subs.remove(sub)

    def publish(self, event: EngineEvent) -> None:
        for sub in list(self._subs):
            sub._offer(event)

    def close_all(self) -> None:
        for sub in list(self._subs):
            sub.close()
