"""wait_for_event / send_event, and the subscription of engine events."""

from __future__ import annotations

import asyncio

import pytest
from engine_helpers import FnFlow, until, until_status

from leaselab_desktop.engine import (
    InstanceNotFound,
    InvalidPayload,
    InvalidTransition,
    NonRetryableError,
    Retries,
    StepConfig,
)


async def approval_flow(event, step):
    before = await step.do("before", lambda: "prepared")
    ev = await step.wait_for_event("approval", type="approved", timeout=60)
    return [before, ev["type"], ev["payload"]]


async def test_event_delivered_to_waiting_instance(make_engine, clock) -> None:
    engine = await make_engine({"wf": FnFlow(approval_flow)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await h.send_event("rejected", {"by": "bob"})  # another type: still waiting
    await asyncio.sleep(0.01)
    assert (await h.status())["status"] == "waiting"
    await h.send_event("approved", {"by": "alice"})
    assert (await h.wait(timeout=5))["output"] == ["prepared", "approved", {"by": "alice"}]
    wait_step = (await h.steps())[1]
    assert wait_step["type"] == "waitForEvent" and wait_step["success"] is True
    assert wait_step["output"]["payload"] == {"by": "alice"}
    assert wait_step["output"]["timestamp"].endswith("Z")


async def test_event_sent_before_the_wait_is_kept(make_engine, clock) -> None:
    gate = asyncio.Event()

    async def body(event, step):
        await step.do("slow", gate.wait)
        ev = await step.wait_for_event("approval", type="approved", timeout=60)
        return ev["payload"]

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "running")
    await h.send_event("approved", "early")
    gate.set()
    assert (await h.wait(timeout=5))["output"] == "early"


async def test_wait_for_event_times_out(make_engine, clock) -> None:
    engine = await make_engine({"wf": FnFlow(approval_flow)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await clock.advance_async(59)
    assert (await h.status())["status"] == "waiting"
    clock.advance(1)
    st = await h.wait(timeout=5)
    assert st["status"] == "errored"
    assert st["error"] == {
        "name": "WaitForEventTimeout",
        "message": "wait_for_event 'approval' received no 'approved' event within 60 s",
    }
    assert (await h.steps())[1]["success"] is False


async def test_timeout_can_be_caught_by_the_workflow(make_engine, clock) -> None:
    async def body(event, step):
        try:
            await step.wait_for_event("approval", type="approved", timeout="1 minute")
        except Exception as exc:
            return f"no answer: {type(exc).__name__}"
        return "answered"

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    clock.advance(60)
    assert (await h.wait(timeout=5))["output"] == "no answer: WaitForEventTimeout"


async def test_pause_during_event_wait_then_event_then_resume(make_engine, clock) -> None:
    engine = await make_engine({"wf": FnFlow(approval_flow)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await h.pause()
    await h.send_event("approved", 1)  # buffered while paused
    assert (await h.status())["status"] == "paused"
    await h.resume()
    assert (await h.wait(timeout=5))["output"] == ["prepared", "approved", 1]


async def test_send_event_errors(make_engine, clock) -> None:
    engine = await make_engine({"wf": FnFlow(approval_flow)}, clock=clock)
    wf = engine.workflow("wf")
    h = await wf.create()
    await until_status(h, "waiting")
    with pytest.raises(InvalidPayload, match="not JSON-serialisable"):
        await h.send_event("approved", object())
    with pytest.raises(InvalidPayload, match="non-empty type"):
        await h.send_event("", 1)
    await h.send_event("approved", None)
    await h.wait(timeout=5)
    with pytest.raises(InvalidTransition, match="is complete; it cannot receive events"):
        await h.send_event("approved", None)
    with pytest.raises(InstanceNotFound):
        await engine.instance("nobody").send_event("approved")


async def test_subscription_reports_steps_retries_and_status(make_engine) -> None:
    calls: list[int] = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("transient")
        return "ok"

    async def body(event, step):
        await step.do("flaky", flaky, config=StepConfig(retries=Retries(limit=2, delay=1)))
        await step.do("fatal", lambda: (_ for _ in ()).throw(NonRetryableError("bad input")))

    engine = await make_engine({"wf": FnFlow(body)})
    every = engine.subscribe()
    mine = engine.subscribe("sub-1", until_finished=True)
    h = await engine.workflow("wf").create(id="sub-1")
    events = [ev async for ev in mine]
    got = [(e.kind, e.step, e.attempt, e.status) for e in events]
    assert got == [
        ("status", None, None, "queued"),
        ("status", None, None, "running"),
        ("step.started", "flaky", 1, None),
        ("step.retrying", "flaky", 2, None),
        ("step.started", "flaky", 2, None),
        ("step.completed", "flaky", 2, None),
        ("step.started", "fatal", 1, None),
        ("step.failed", "fatal", 1, None),
        ("status", None, None, "errored"),
    ]
    assert events[3].error == {"name": "RuntimeError", "message": "transient"}
    assert events[-1].error == {"name": "NonRetryableError", "message": "bad input"}
    assert all(e.instance_id == "sub-1" and e.workflow == "wf" and e.at > 0 for e in events)
    assert (await h.status())["status"] == "errored"
    other = await engine.workflow("wf").create(id="sub-2")
    await other.wait(timeout=5)
    every.close()
    seen = {ev.instance_id async for ev in every}
    assert seen == {"sub-1", "sub-2"}


async def test_subscription_ends_when_engine_closes(make_engine, clock) -> None:
    engine = await make_engine({"wf": FnFlow(approval_flow)}, clock=clock)
    sub = engine.subscribe()
    await engine.workflow("wf").create()
    await until(lambda: engine.running_count == 0 and sub._queue.qsize() >= 3)

    async def drain() -> int:
        return len([ev async for ev in sub])

    drained = asyncio.ensure_future(drain())
    await engine.close()
    assert await asyncio.wait_for(drained, 5) >= 3
