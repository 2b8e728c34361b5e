"""In-memory state of an instance and its steps, and their Cloudflare-shaped views."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

FINISHED = frozenset({"complete", "errored", "terminated"})
RESUMABLE = frozenset({"queued", "running", "waiting"})


def iso(ts: float | None) -> str | None:
    return None if ts is None else _iso(ts)


@lru_cache(maxsize=4096)  # step details are rendered for every snapshot a watcher takes
def _iso(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def interrupted_attempt(requests: int = 0) -> dict[str, Any]:
    """What an attempt cut short by a stop or kill is marked with; it uses up no retry.

    ``requests`` is how many outbound requests the attempt had marked sent (``note_request_sent``
    in ``engine.step``): 0 says it was interrupted before any request went out, so no paid call
    was made for it."""
    when = (f"after it sent {requests} request(s)" if requests else "before it sent any request")
    return {"success": False, "interrupted": True, "requests": requests, "error": {
        "name": "Interrupted", "message": f"the app stopped during this attempt, {when}; it runs again when resumed"}}


@dataclass(slots=True)
class StepRecord:
    name: str
    occurrence: int
    ord: int
    type: str  # "step" | "sleep" | "waitForEvent"
    start: float | None = None
    end: float | None = None
    success: bool | None = None
    output: Any = None
    output_json: str | None = None
    error: dict[str, str] | None = None
    config: dict[str, Any] | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    wake_at: float | None = None
    event_type: str | None = None
    _config_json: str | None = None

    def config_json(self) -> str | None:
        if self.config is None:
            return None
        if self._config_json is None:
            self._config_json = json.dumps(self.config)
        return self._config_json

    def result(self) -> Any:
        """The stored result as a replay returns it: decoded JSON (tuples come back as lists),
        a fresh copy each time so that workflow code mutating it cannot change a replay."""
        if self.output is None or isinstance(self.output, str | int | float | bool):
            return self.output
        return json.loads(self.output_json) if self.output_json is not None else self.output

    @property
    def finished(self) -> bool:
        return self.success is not None

    def counted_attempts(self) -> int:
        """Attempts that count against the retry limit (not those cut short by a crash/stop)."""
        return sum(1 for a in self.attempts if not a.get("interrupted"))

    def row(self, instance_id: str) -> tuple[Any, ...]:
        return (
            instance_id, self.name, self.occurrence, self.ord, self.type, self.start, self.end,
            None if self.success is None else int(self.success), self.output_json,
            None if self.error is None else json.dumps(self.error),
            self.config_json(),
            json.dumps(self.attempts), self.wake_at, self.event_type,
        )

    @classmethod
    def from_row(cls, row: Any) -> StepRecord:
        attempts = json.loads(row["attempts"] or "[]")
        for attempt in attempts:
            alive = attempt.pop("alive", None)  # the engine's heartbeat stamp
            if attempt.get("end") is None:  # the process was killed during this attempt
                # its end: when it was last seen alive, else its start
                attempt["end"] = alive or attempt.get("start")
                attempt.update(interrupted_attempt(int(attempt.get("requests") or 0)))
        return cls(
            name=row["name"], occurrence=row["occurrence"], ord=row["ord"], type=row["type"],
            start=row["start"], end=row["end"],
            success=None if row["success"] is None else bool(row["success"]),
            output=None if row["output"] is None else json.loads(row["output"]),
            output_json=row["output"], error=None if row["error"] is None else json.loads(row["error"]),
            config=None if row["config"] is None else json.loads(row["config"]),
            attempts=attempts, wake_at=row["wake_at"], event_type=row["event_type"],
        )

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "occurrence": self.occurrence,
            "type": self.type,
            "start": iso(self.start),
            "end": iso(self.end),
            "success": self.success,
            "finished": self.finished,
            "output": self.output,
            "error": self.error,
        }
        if self.type == "step":
            out["config"] = self.config
            out["attempts"] = [
                {
                    "start": iso(a.get("start")),
                    "end": iso(a.get("end")),
                    "success": a.get("success"),
                    "error": a.get("error"),
                    **({"interrupted": True} if a.get("interrupted") else {}),
                    **({"requests": a["requests"]} if "requests" in a else {}),
                }
                for a in self.attempts
            ]
        elif self.type == "sleep":
            out["wake_at"] = iso(self.wake_at)
        else:
            out["event_type"] = self.event_type
            out["timeout_at"] = iso(self.wake_at)
        return out


@dataclass(slots=True)
class PendingEvent:
    id: str
    type: str
    payload: Any
    received_at: float


@dataclass(eq=False)
class Run:
    """One instance the engine has in memory (unfinished, or finished but not yet evicted)."""

    id: str
    workflow: str
    params: Any
    created_at: float
    status: str = "queued"
    error: dict[str, str] | None = None
    output: Any = None
    started_at: float | None = None
    ended_at: float | None = None
    restarts: int = 0
    steps: dict[tuple[str, int], StepRecord] = field(default_factory=dict)
    events: list[PendingEvent] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    cancel_reason: str | None = None
    pause_requested: bool = False
    interruptible: int = 0
    holds_slot: bool = False
    ending: bool = False  # its final status is being written: no other status may follow it
    durable: asyncio.Future[Any] | None = None
    event_waiters: dict[str, list[asyncio.Future[None]]] = field(default_factory=dict)
    finished_waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def status_dict(self) -> dict[str, Any]:
        return {"status": self.status, "error": self.error, "output": self.output}

    def next_ord(self) -> int:
        return max((s.ord for s in self.steps.values()), default=-1) + 1

    def ordered_steps(self) -> list[StepRecord]:
        return sorted(self.steps.values(), key=lambda s: s.ord)

    def take_event(self, type_: str) -> PendingEvent | None:
        for i, ev in enumerate(self.events):
            if ev.type == type_:
                return self.events.pop(i)
        return None
