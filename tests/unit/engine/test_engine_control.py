"""Status transitions and control: pause (during a step, a sleep, retries), resume, terminate,
restart (from a named step)."""

from __future__ import annotations

import asyncio

import pytest
from engine_helpers import FnFlow, note, until, until_status

from leaselab_desktop.engine import InvalidTransition, ManualClock, Retries, StepConfig


async def test_transitions_queued_running_waiting_complete(make_engine, clock) -> None:
    async def body(event, step):
        a = await step.do("a", lambda: 1)
        await step.sleep("nap", 30)
        return a + 1

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    sub = engine.subscribe("t1", until_finished=True)
    h = await engine.workflow("wf").create(id="t1")
    assert (await h.status())["status"] in ("queued", "running", "waiting")
    await until_status(h, "waiting")
    assert engine.running_count == 0  # a sleeping instance holds no slot
    clock.advance(30)
    assert (await h.wait(timeout=5)) == {"status": "complete", "error": None, "output": 2}
    statuses = [ev.status async for ev in sub if ev.kind == "status"]
    assert statuses == ["queued", "running", "waiting", "running", "complete"]
    nap = (await h.steps())[1]
    assert nap["type"] == "sleep" and nap["success"] is True
    assert engine.peek_status("t1") == {"status": "complete", "error": None, "output": 2}


async def test_sleep_until_wall_time(make_engine, clock) -> None:
    async def body(event, step):
        await step.sleep_until("until", clock.time() + 100)
        return "woke"

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await clock.advance_async(99)
    assert (await h.status())["status"] == "waiting"
    clock.advance(1)
    assert (await h.wait(timeout=5))["output"] == "woke"


async def test_pause_during_sleep_then_resume(make_engine, clock) -> None:
    runs: list[str] = []

    async def body(event, step):
        await step.do("a", lambda: runs.append("a"))
        await step.sleep("nap", 60)
        await step.do("b", lambda: runs.append("b"))
        return "done"

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await h.pause()
    assert (await h.status())["status"] == "paused"
    await clock.advance_async(30)
    assert (await h.status())["status"] == "paused" and runs == ["a"]
    await h.resume()
    await until_status(h, "waiting")  # 30 s of the sleep are left
    await clock.advance_async(29)
    assert (await h.status())["status"] == "waiting"
    clock.advance(1)
    assert (await h.wait(timeout=5))["output"] == "done"
    assert runs == ["a", "b"]


async def test_pause_while_paused_past_wake_time(make_engine, clock) -> None:
    async def body(event, step):
        await step.sleep("nap", 10)
        return "done"

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until_status(h, "waiting")
    await h.pause()
    await clock.advance_async(100)
    await h.resume()
    assert (await h.wait(timeout=5))["output"] == "done"


async def test_pause_during_retries_then_resume(make_engine, clock) -> None:
    calls: list[int] = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError(f"fail {len(calls)}")
        return "ok"

    async def body(event, step):
        cfg = StepConfig(retries=Retries(limit=5, delay=10, backoff="constant"))
        return await step.do("flaky", flaky, config=cfg)

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    await until(lambda: clock.pending == 1)  # first attempt failed; in the retry delay
    await h.pause()
    assert (await h.status())["status"] == "paused"
    await clock.advance_async(100)
    assert len(calls) == 1
    [step] = await h.steps()
    assert [a["success"] for a in step["attempts"]] == [False] and step["finished"] is False
    await h.resume()
    assert (await h.status())["status"] in ("queued", "running")
    await until(lambda: clock.pending == 1)
    await clock.advance_async(10)
    await until(lambda: len(calls) == 2 and clock.pending == 1)
    await clock.advance_async(10)
    assert (await h.wait(timeout=5))["output"] == "ok"
    [step] = await h.steps()
    assert [a["success"] for a in step["attempts"]] == [False, False, True]


async def test_pause_during_a_running_step_waits_for_it(make_engine) -> None:
    gate = asyncio.Event()
    runs: list[str] = []

    async def slow():
        runs.append("a")
        await gate.wait()
        return 1

    async def body(event, step):
        a = await step.do("a", slow)
        b = await step.do("b", lambda: note(runs, "b", 2))
        return a + b

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    await until(lambda: runs == ["a"])
    await h.pause()
    assert (await h.status())["status"] == "waitingForPause"
    gate.set()
    await until_status(h, "paused")
    assert runs == ["a"]
    [a] = await h.steps()
    assert a["success"] is True  # the running step finished and was kept
    await h.resume()
    assert (await h.wait(timeout=5))["output"] == 3
    assert runs == ["a", "b"]


async def test_resume_cancels_a_pending_pause(make_engine) -> None:
    gate = asyncio.Event()

    async def body(event, step):
        await step.do("a", gate.wait)
        return await step.do("b", lambda: "b")

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    await until_status(h, "running")
    await h.pause()
    assert (await h.status())["status"] == "waitingForPause"
    await h.resume()
    assert (await h.status())["status"] == "running"
    gate.set()
    assert (await h.wait(timeout=5))["output"] == "b"


async def test_pause_a_queued_instance(make_engine) -> None:
    gate = asyncio.Event()

    async def body(event, step):
        return await step.do("a", lambda: gate.wait() if event.payload == "block" else "quick")

    engine = await make_engine({"wf": FnFlow(body)}, max_concurrency=1)
    wf = engine.workflow("wf")
    blocker = await wf.create(params="block")
    queued = await wf.create(params="fast")
    await until_status(queued, "queued")
    await queued.pause()
    assert (await queued.status())["status"] == "paused"
    gate.set()
    await blocker.wait(timeout=5)
    await asyncio.sleep(0.01)
    assert (await queued.status())["status"] == "paused"
    await queued.resume()
    assert (await queued.wait(timeout=5))["output"] == "quick"


async def test_terminate_running_paused_and_finished(make_engine) -> None:
    never = asyncio.Event()
    runs: list[str] = []

    async def body(event, step):
        await step.do("first", lambda: runs.append("first"))
        await step.do("hang", never.wait)
        await step.do("never", lambda: runs.append("never"))

    engine = await make_engine({"wf": FnFlow(body)})
    wf = engine.workflow("wf")
    h = await wf.create()
    run = engine._live[h.id]
    await until(lambda: ("hang", 1) in run.steps and bool(run.steps[("hang", 1)].attempts))
    await h.terminate()
    assert await h.status() == {"status": "terminated", "error": None, "output": None}
    steps = await h.steps()
    assert steps[1]["attempts"][0]["error"]["name"] == "Terminated"
    with pytest.raises(InvalidTransition, match="is terminated"):
        await h.terminate()
    with pytest.raises(InvalidTransition, match="is terminated"):
        await h.pause()

    h2 = await wf.create()
    await until_status(h2, "running")
    await h2.pause()
    await h2.terminate()
    assert (await h2.status())["status"] == "terminated"
    assert "never" not in runs


async def test_restart_from_named_step_keeps_earlier_results(make_engine) -> None:
    runs: list[str] = []

    async def body(event, step):
        a = await step.do("a", lambda: note(runs, "a"))
        b = await step.do("b", lambda: note(runs, "b"))
        c = await step.do("c", lambda: note(runs, "c"))
        return [a, b, c]

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == [1, 2, 3]
    await h.restart(from_step="b")
    assert (await h.wait(timeout=5))["output"] == [1, 4, 5]
    assert runs == ["a", "b", "c", "b", "c"]
    await h.restart()
    assert (await h.wait(timeout=5))["output"] == [6, 7, 8]
    with pytest.raises(InvalidTransition, match="no step named 'zz'"):
        await h.restart(from_step="zz")


async def test_restart_errored_instance_and_running_instance(make_engine) -> None:
    state = {"fail": True}
    gate = asyncio.Event()

    async def body(event, step):
        def maybe():
            if state["fail"]:
                raise RuntimeError("upstream down")
            return "fixed"

        first = await step.do("first", lambda: "kept")
        if event.payload == "block":
            await step.do("block", gate.wait)
        second = await step.do("second", maybe, config=StepConfig(retries=Retries(limit=0)))
        return [first, second]

    engine = await make_engine({"wf": FnFlow(body)})
    wf = engine.workflow("wf")
    h = await wf.create()
    assert (await h.wait(timeout=5))["error"]["message"] == "upstream down"
    state["fail"] = False
    await h.restart(from_step="second")
    assert await h.wait(timeout=5) == {"status": "complete", "error": None,
                                       "output": ["kept", "fixed"]}

    h2 = await wf.create(params="block")
    await until_status(h2, "running")
    await until(lambda: engine._live[h2.id].steps.get(("block", 1)) is not None)
    await h2.restart(from_step="block")
    assert (await h2.status())["status"] in ("queued", "running")
    gate.set()
    assert (await h2.wait(timeout=5))["output"] == ["kept", "fixed"]


async def test_resume_and_pause_of_finished_instances_are_refused(make_engine) -> None:
    async def body(event, step):
        return 1

    engine = await make_engine({"wf": FnFlow(body)}, clock=ManualClock(auto=True))
    h = await engine.workflow("wf").create()
    await h.wait(timeout=5)
    with pytest.raises(InvalidTransition, match="is complete; it cannot be resumed"):
        await h.resume()
    with pytest.raises(InvalidTransition, match="cannot be paused"):
        await h.pause()
