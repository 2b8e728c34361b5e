"""``WorkflowStep``: step.do / sleep / sleep_until / wait_for_event with durable replay.

Each call is keyed by (name, occurrence count within this execution of ``run``). A key whose
record is finished returns (or re-raises) the stored outcome without running anything again.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leaselab_desktop.engine import repo
from leaselab_desktop.engine.config import Duration, StepConfig, parse_duration, to_epoch
from leaselab_desktop.engine.errors import (
    NonRetryableError,
    StepResultError,
    WaitForEventTimeout,
    error_from_info,
    error_info,
)
from leaselab_desktop.engine.records import StepRecord, interrupted_attempt, iso
from leaselab_desktop.engine.serial import EncodeError, encode

if TYPE_CHECKING:
    from leaselab_desktop.engine.records import PendingEvent, Run
    from leaselab_desktop.engine.runtime import Runtime

StepFn = Callable[[], Any]
DEFAULT_EVENT_TIMEOUT = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class _Current:
    """The step attempt running in this task (see ``note_request_sent``)."""

    rt: Runtime
    run: Run
    rec: StepRecord
    attempt: dict[str, Any]


_CURRENT: ContextVar[_Current | None] = ContextVar("leaselab_engine_attempt", default=None)


async def note_request_sent() -> None:
    """Mark the running step attempt "request sent", durably, before the request goes out.

    Called by an outbound-call hook (the model providers' HTTP transport) right before a
    request's bytes are sent; returns once the mark (and the attempt it belongs to) is committed.
    A kill before the mark leaves an attempt with ``requests == 0``: it cannot have been paid for.
    Outside a step attempt (a settings check, a test) it does nothing."""
    cur = _CURRENT.get()
    if cur is None:
        return
    cur.attempt["requests"] = int(cur.attempt.get("requests") or 0) + 1
    await cur.rt.durable(repo.save_step(cur.run.id, cur.rec))


class StepTimeoutError(TimeoutError):
    """An attempt of ``step.do`` ran longer than its ``timeout``."""


class WorkflowStep:
    def __init__(self, runtime: Runtime, run: Run) -> None:
        self._rt = runtime
        self._run = run
        self._counts: dict[str, int] = {}

    def _key(self, name: str) -> tuple[str, int]:
        if not isinstance(name, str) or not name:
            raise ValueError("a step needs a non-empty name")
        count = self._counts.get(name, 0) + 1
        self._counts[name] = count
        return (name, count)

    # -- step.do -------------------------------------------------------------------------------
    async def do(
        self, name: str, fn_or_config: StepFn | StepConfig | None = None, fn: StepFn | None = None,
        *, config: StepConfig | None = None,
    ) -> Any:
        """``do(name, fn, config=...)`` or Cloudflare's order ``do(name, config, fn)``."""
        if isinstance(fn_or_config, StepConfig):
            config, fn_or_config = fn_or_config, fn
        func = fn_or_config if fn_or_config is not None else fn
        if not callable(func):
            raise TypeError(f"step.do({name!r}) needs a callable")
        key = self._key(name)
        run, rt = self._run, self._rt
        rec = run.steps.get(key)
        if rec is not None and rec.success is True:
            return rec.result()
        if rec is not None and rec.success is False:
            raise error_from_info(rec.error)
        rt.checkpoint(run)
        cfg = config or StepConfig()
        if rec is None:
            rec = StepRecord(name, key[1], run.next_ord(), "step", start=rt.now(), config=cfg.to_json())
            run.steps[key] = rec
        while True:
            done = rec.counted_attempts()
            if done:
                delay = cfg.retries.delay_before_retry(done)
                rt.emit("step.retrying", run, step=name, attempt=done + 1, error=rec.attempts[-1]["error"])
                await rt.pausable(run, rt.clock.sleep(delay))
                rt.checkpoint(run)
            number = done + 1
            await rt.settle(run)  # earlier step results are durable before this one runs
            attempt: dict[str, Any] = {"start": rt.now(), "end": None, "success": None, "error": None}
            rec.attempts.append(attempt)
            rt.write(repo.save_step(run.id, rec))
            rt.emit("step.started", run, step=name, attempt=number)
            current = _CURRENT.set(_Current(rt, run, rec, attempt))
            try:
                value = await self._attempt(name, func, cfg.timeout_s, number)
                text = encode(value, f"the result of step {name!r}")
            except EncodeError as exc:
                failure: BaseException = StepResultError(str(exc))
            except asyncio.CancelledError:
                if run.cancel_reason in ("terminate", "restart"):
                    how = "terminated" if run.cancel_reason == "terminate" else "restarted"
                    message = f"the instance was {how} during this attempt"
                    attempt.update(end=rt.now(), success=False,
                                   error={"name": "Terminated", "message": message})
                    rt.write(repo.save_step(run.id, rec))
                elif run.cancel_reason == "shutdown":  # ends now; runs again at the next resume
                    attempt.update(end=rt.now(), **interrupted_attempt(int(attempt.get("requests") or 0)))
                    rt.write(repo.save_step(run.id, rec))
                raise
            except Exception as exc:
                failure = exc
            else:
                attempt.update(end=rt.now(), success=True)
                rec.output, rec.output_json = json.loads(text), text
                rec.success, rec.end = True, attempt["end"]
                # Durable before the next step runs or the instance is reported finished;
                # "step.completed" is published once it is.
                rt.commit_step(run, repo.save_step(run.id, rec), name, number)
                return rec.result()
            finally:
                _CURRENT.reset(current)
            info = error_info(failure)
            attempt.update(end=rt.now(), success=False, error=info)
            if isinstance(failure, NonRetryableError) or rec.counted_attempts() > cfg.retries.limit:
                rec.success, rec.end, rec.error = False, attempt["end"], info
                await rt.durable(repo.save_step(run.id, rec))
                rt.emit("step.failed", run, step=name, attempt=number, error=info)
                raise failure
            rt.write(repo.save_step(run.id, rec))
            rt.checkpoint(run)

    async def _attempt(self, name: str, func: StepFn, timeout: float, number: int) -> Any:
        """One attempt. A sync function runs to completion (it cannot be interrupted); an
        awaitable it returns, or an async function, is bounded by ``timeout``."""
        result = func()
        if not inspect.isawaitable(result):
            return result
        try:
            async with asyncio.timeout(timeout) as scope:
                return await result
        except TimeoutError:
            if scope.expired():
                raise StepTimeoutError(
                    f"step {name!r} attempt {number} timed out after {timeout:g} s"
                ) from None
            raise

    # -- sleeps --------------------------------------------------------------------------------
    async def sleep(self, name: str, duration: Duration) -> None:
        seconds = parse_duration(duration)
        await self._sleep(name, lambda now: now + seconds)

    async def sleep_until(self, name: str, when: datetime | float | int) -> None:
        wake = to_epoch(when)
        await self._sleep(name, lambda now: wake)

    async def _sleep(self, name: str, wake_at: Callable[[float], float]) -> None:
        key = self._key(name)
        run, rt = self._run, self._rt
        rec = run.steps.get(key)
        if rec is not None and rec.finished:
            return
        rt.checkpoint(run)
        if rec is None:
            now = rt.now()
            rec = StepRecord(name, key[1], run.next_ord(), "sleep", start=now, wake_at=wake_at(now))
            run.steps[key] = rec
            rt.write(repo.save_step(run.id, rec))
            rt.emit("step.started", run, step=name)
        assert rec.wake_at is not None
        remaining = rec.wake_at - rt.now()
        if remaining > 0:
            await rt.waiting(run, rt.clock.sleep(remaining))
        rec.success, rec.end = True, rt.now()
        await rt.durable(repo.save_step(run.id, rec))
        rt.emit("step.completed", run, step=name)

    # -- events --------------------------------------------------------------------------------
    async def wait_for_event(
        self, name: str, type: str, timeout: Duration = DEFAULT_EVENT_TIMEOUT
    ) -> dict[str, Any]:
        """The first event of ``type`` sent to this instance (also one sent before the wait began):
        ``{"type", "payload", "timestamp"}``. Raises :class:`WaitForEventTimeout` after ``timeout``."""
        seconds = parse_duration(timeout)
        key = self._key(name)
        run, rt = self._run, self._rt
        rec = run.steps.get(key)
        if rec is not None and rec.success is True:
            return dict(rec.output)
        if rec is not None and rec.success is False:
            raise error_from_info(rec.error)
        rt.checkpoint(run)
        if rec is None:
            now = rt.now()
            rec = StepRecord(name, key[1], run.next_ord(), "waitForEvent", start=now,
                             wake_at=now + seconds, event_type=type)
            run.steps[key] = rec
            rt.write(repo.save_step(run.id, rec))
            rt.emit("step.started", run, step=name)
        event = run.take_event(type)
        if event is None:
            event = await rt.waiting(run, self._next_event(rec, type))
        if event is None:
            message = f"wait_for_event {name!r} received no {type!r} event within {seconds:g} s"
            rec.success, rec.end = False, rt.now()
            rec.error = {"name": "WaitForEventTimeout", "message": message}
            await rt.durable(repo.save_step(run.id, rec))
            rt.emit("step.failed", run, step=name, error=rec.error)
            raise WaitForEventTimeout(message)
        result = {"type": event.type, "payload": event.payload, "timestamp": iso(event.received_at)}
        rec.output, rec.output_json = result, json.dumps(result)
        rec.success, rec.end = True, rt.now()
        await rt.durable(repo.save_step_and_consume(run.id, rec, event.id))
        rt.emit("step.completed", run, step=name)
        return dict(result)

    async def _next_event(self, rec: StepRecord, type_: str) -> PendingEvent | None:
        """Wait for a wake-up from send_event or the deadline; take the event from the buffer."""
        run, rt = self._run, self._rt
        assert rec.wake_at is not None
        deadline = rec.wake_at
        while True:
            event = run.take_event(type_)
            if event is not None:
                return event
            remaining = deadline - rt.now()
            if remaining <= 0:
                return None
            bell: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            run.event_waiters.setdefault(type_, []).append(bell)
            sleeper = asyncio.ensure_future(rt.clock.sleep(remaining))
            try:
                await asyncio.wait({bell, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                bell.cancel()
                waiters = run.event_waiters.get(type_, [])
                if bell in waiters:
                    waiters.remove(bell)

