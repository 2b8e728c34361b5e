"""The project worker's run stream (``GET /api/ops/ai-workflows/:id/events``, Server-Sent Events).

First event ``snapshot`` (the full run, as the status route's ``data``), then one ``change`` per
visible change with only what changed (top-level fields; each changed step as its ``name`` and its
changed fields), ending after a finished run. Every event's ``id`` is the status route's ETag of the run after it;
a reconnect sends it as ``Last-Event-ID`` and gets only the changes from then on (or a fresh
snapshot when the run moved on). ``event: reconnect`` asks the client to reconnect at once.

This module only parses and applies; ``followups.follow_run`` decides when to stream or poll.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from leaselab_desktop.backends.cloudflare.client import EventStream, StreamBroken

KNOWN_EVENTS = frozenset({"snapshot", "change", "reconnect"})
MAX_EVENT_BYTES = 4 * 1024 * 1024


@dataclass
class SseEvent:
    event: str
    data: str
    id: str | None = None


class SseParser:
    """Incremental ``text/event-stream`` parser (WHATWG rules: ``\\n``, ``\\r\\n`` or ``\\r`` line
    ends, several ``data:`` lines joined by newlines, comments and unknown fields ignored)."""

    def __init__(self) -> None:
        self._buf = ""
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self.comments = 0

    def feed(self, text: str) -> list[SseEvent]:
        self._buf += text
        if len(self._buf) > MAX_EVENT_BYTES:
            raise StreamBroken("an event is implausibly large")
        out: list[SseEvent] = []
        while True:
            cut = _line_end(self._buf)
            if cut is None:
                return out
            line, self._buf = self._buf[: cut[0]], self._buf[cut[1]:]
            if line == "":
                if self._data or self._event:
                    out.append(SseEvent(self._event or "message", "\n".join(self._data), self._id))
                self._event, self._data, self._id = "", [], None
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                self._event = value
            elif name == "data":
                self._data.append(value)
            elif name == "id" and "\0" not in value:
                self._id = value

    @property
    def pending(self) -> bool:
        """True when part of an event (or line) has arrived without its end."""
        return bool(self._buf or self._data or self._event)


def _line_end(buf: str) -> tuple[int, int] | None:
    n, r = buf.find("\n"), buf.find("\r")
    if r == -1 and n == -1:
        return None
    if r == -1 or (n != -1 and n < r):
        return n, n + 1
    if r + 1 == len(buf):
        return None  # a lone \r at the end: wait to see whether \n follows
    return (r, r + 2) if buf[r + 1] == "\n" else (r, r + 1)


def apply_change(state: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The run after ``change``: top-level fields replaced; each step in it merged into the step of
    that name (only its changed fields are sent), or added when the name is new."""
    out = {**state, **{k: v for k, v in change.items() if k != "steps"}}
    steps = [dict(s) for s in state.get("steps") or []]
    for step in change.get("steps") or []:
        if not isinstance(step, dict) or not isinstance(step.get("name"), str):
            raise StreamBroken("a change carried a step without a name")
        at = next((i for i, s in enumerate(steps) if s.get("name") == step["name"]), None)
        if at is None:
            steps.append(dict(step))
        else:
            steps[at] = {**steps[at], **step}
    out["steps"] = steps
    return out


@dataclass
class StreamUpdate:
    """The run's full state after an event, and that event's id (the status route's ETag value)."""

    data: dict[str, Any]
    event_id: str | None


async def run_updates(stream: EventStream, state: dict[str, Any] | None) -> AsyncGenerator[StreamUpdate, None]:
    """Each event of ``stream`` applied to ``state`` (None: the first event must be a snapshot).

    Ends normally only after ``event: reconnect``; the caller stops reading after a finished run.
    A stream that ends otherwise, garbage, or a change with nothing to apply it to raise
    :class:`StreamBroken`."""
    parser = SseParser()
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    async with aclosing(stream.chunks()) as chunks:  # closed with us, not by a GC finaliser task
        async for chunk in chunks:
            try:
                text = utf8.decode(chunk)
            except UnicodeDecodeError as exc:
                raise StreamBroken("the stream is not UTF-8") from exc
            for ev in parser.feed(text):
                if ev.event not in KNOWN_EVENTS:
                    raise StreamBroken(f"unexpected event {ev.event[:40]!r}")
                if ev.event == "reconnect":
                    return
                try:
                    payload = decoder.decode(ev.data)
                except ValueError as exc:
                    raise StreamBroken(f"an event's data is not JSON ({ev.event})") from exc
                if not isinstance(payload, dict):
                    raise StreamBroken("an event's data is not an object")
                if ev.event == "snapshot":
                    state = payload
                elif state is None:
                    raise StreamBroken("a change arrived before any snapshot")
                else:
                    state = apply_change(state, payload)
                yield StreamUpdate(state, ev.id)
        raise StreamBroken("the stream ended before the run finished" + (" (cut mid-event)" if parser.pending else ""))
