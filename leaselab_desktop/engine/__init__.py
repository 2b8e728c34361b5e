"""Durable workflow engine with Cloudflare Workflows semantics (knows nothing of tenants).

A workflow is a :class:`WorkflowEntrypoint` whose ``run(event, step)`` calls:

- ``await step.do(name, fn, config=StepConfig(retries=Retries(limit, delay, backoff), timeout))``:
  runs ``fn`` (async or sync, no arguments). ``limit`` counts *retries* (attempts = limit + 1);
  the wait before retry n is ``delay`` (constant), ``delay·n`` (linear) or ``delay·2^(n-1)``
  (exponential). Each attempt is bounded by ``timeout`` (a timed-out attempt is a failed one).
  ``NonRetryableError`` fails the step at once. When the attempts are used up the last error
  propagates out of ``step.do``; uncaught, the instance ends ``errored`` with ``{name, message}``.
  The result must be JSON-serialisable and at most 1 MiB (else ``StepResultError``, not retried).
- ``step.sleep(name, duration)`` / ``step.sleep_until(name, when)``: durable sleeps; the instance
  is ``waiting`` and holds no concurrency slot.
- ``step.wait_for_event(name, type, timeout)``: the first event of that type sent with
  ``instance.send_event`` (even before the wait began); ``WaitForEventTimeout`` after ``timeout``.

Durability: every step outcome is written to SQLite (WAL) through one writer thread and is
committed before ``step.do`` returns, so a completed step is never run again. On replay (after a
pause, a restart from a step, or a crash and ``Engine.start()``), steps are matched by
(name, occurrence count) and their stored results are returned. Workflow code outside steps runs
again on every replay, so it must be deterministic; side effects belong inside ``step.do``.
An attempt cut short by a stop or a crash is recorded as ``Interrupted`` (with its real end: the
stop, or the last heartbeat before a kill) and does not use up a retry. ``start(resume=False)``
takes unfinished instances over without running them (``dormant``) until ``resume(ids)``: for a
short-lived process that would otherwise restart a step and abandon it when it exits.

Statuses (Cloudflare's vocabulary, reported truthfully): ``queued`` (waiting for one of
``max_concurrency`` slots), ``running``, ``waiting`` (sleep / event), ``waitingForPause`` (pause
requested while a step function runs; takes effect at the next step boundary), ``paused``,
``complete``, ``errored``, ``terminated``. Pause interrupts sleeps, event waits and retry delays at
once; resume continues where it stopped. ``terminate`` cancels immediately. ``restart(from_step)``
keeps the results of the steps before the first step of that name.

One engine per database file: a second one (another copy of the app) gets ``EngineLocked``. A
damaged or foreign file gives ``EngineDatabaseError``, a newer schema ``EngineSchemaTooNew``; the
file is never modified in either case.

Time comes from an injectable :class:`Clock` (``ManualClock`` in tests); attempt timeouts use the
event loop's own timer. Finished instances are purged ``retention_s`` after they end.
Sync step functions run on the event loop: keep them short, or make them async.
"""

from leaselab_desktop.engine.clock import Clock, ManualClock, SystemClock
from leaselab_desktop.engine.config import Retries, StepConfig, parse_duration
from leaselab_desktop.engine.engine import Engine
from leaselab_desktop.engine.errors import (
    DuplicateInstance,
    EngineClosed,
    EngineDatabaseError,
    EngineError,
    EngineLocked,
    EngineSchemaTooNew,
    InstanceNotFound,
    InvalidInstanceId,
    InvalidPayload,
    InvalidTransition,
    NonRetryableError,
    StepError,
    StepResultError,
    UnknownWorkflow,
    WaitForEventTimeout,
)
from leaselab_desktop.engine.events import EngineEvent, Subscription
from leaselab_desktop.engine.handle import InstanceHandle, WorkflowBinding
from leaselab_desktop.engine.step import StepTimeoutError, WorkflowStep, note_request_sent
from leaselab_desktop.engine.types import WorkflowEntrypoint, WorkflowEvent

__all__ = [
    "Clock", "DuplicateInstance", "Engine", "EngineClosed", "EngineDatabaseError", "EngineError",
    "EngineEvent", "EngineLocked", "EngineSchemaTooNew", "InstanceHandle", "InstanceNotFound", "InvalidInstanceId",
    "InvalidPayload", "InvalidTransition", "ManualClock", "NonRetryableError", "Retries",
    "StepConfig", "StepError", "StepResultError", "StepTimeoutError", "Subscription",
    "SystemClock", "UnknownWorkflow", "WaitForEventTimeout", "WorkflowBinding",
    "WorkflowEntrypoint", "WorkflowEvent", "WorkflowStep", "note_request_sent", "parse_duration",
]
