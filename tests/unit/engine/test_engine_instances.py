"""Creating instances: ids, duplicates, batches, params, lookups; the concurrency limit."""

from __future__ import annotations

import asyncio

import pytest
from engine_helpers import FnFlow, until, until_status

from leaselab_desktop.engine import (
    DuplicateInstance,
    InstanceNotFound,
    InvalidInstanceId,
    InvalidPayload,
    UnknownWorkflow,
)


async def echo(event, step):
    return await step.do("echo", lambda: event.payload)


@pytest.mark.parametrize(
    "bad", ["", "-leading-dash", "a" * 101, "has space", "ümlaut", "semi;colon", "dot.ted", 42]
)
async def test_malformed_ids_are_refused(make_engine, bad) -> None:
    engine = await make_engine({"wf": FnFlow(echo)})
    with pytest.raises(InvalidInstanceId, match="invalid instance id"):
        await engine.workflow("wf").create(id=bad)
    assert engine.list_instances() == []


@pytest.mark.parametrize("good", ["a" * 100, "_x-1", "lead-42-eval-7", "ABC_def"])
async def test_valid_ids(make_engine, good) -> None:
    engine = await make_engine({"wf": FnFlow(echo)})
    h = await engine.workflow("wf").create(id=good, params=good)
    assert h.id == good
    assert (await h.wait(timeout=5))["output"] == good


async def test_generated_ids_are_unique_and_valid(make_engine) -> None:
    engine = await make_engine({"wf": FnFlow(echo)})
    hs = [await engine.workflow("wf").create() for _ in range(5)]
    assert len({h.id for h in hs}) == 5


async def test_duplicates_are_refused_live_and_finished(make_engine) -> None:
    engine = await make_engine({"wf": FnFlow(echo), "other": FnFlow(echo)})
    wf = engine.workflow("wf")
    h = await wf.create(id="dup", params=1)
    with pytest.raises(DuplicateInstance, match="'dup' already exists"):
        await wf.create(id="dup", params=2)
    await h.wait(timeout=5)
    assert "dup" not in engine._live  # now only in the database
    with pytest.raises(DuplicateInstance, match="'dup' already exists"):
        await engine.workflow("other").create(id="dup")
    assert (await h.status())["output"] == 1


async def test_create_batch_all_or_nothing(make_engine) -> None:
    engine = await make_engine({"wf": FnFlow(echo)})
    wf = engine.workflow("wf")
    hs = await wf.create_batch([{"id": f"b{i}", "params": i} for i in range(3)] + [{"params": 9}])
    assert [h.id for h in hs[:3]] == ["b0", "b1", "b2"]
    assert [(await h.wait(timeout=5))["output"] for h in hs] == [0, 1, 2, 9]
    with pytest.raises(DuplicateInstance):
        await wf.create_batch([{"id": "new-1"}, {"id": "b1"}])
    with pytest.raises(DuplicateInstance):
        await wf.create_batch([{"id": "twice"}, {"id": "twice"}])
    with pytest.raises(InvalidInstanceId):
        await wf.create_batch([{"id": "fine"}, {"id": "not fine"}])
    with pytest.raises(InvalidPayload, match="at most 100"):
        await wf.create_batch([{} for _ in range(101)])
    with pytest.raises(InvalidPayload, match="unknown instance option"):
        await wf.create_batch([{"id": "x", "parms": 1}])
    ids = {row["id"] for row in engine.list_instances()}
    assert ids == {"b0", "b1", "b2", hs[3].id}
    assert await wf.create_batch([]) == []


async def test_bad_params_and_lookups(make_engine) -> None:
    engine = await make_engine({"wf": FnFlow(echo), "other": FnFlow(echo)})
    wf = engine.workflow("wf")
    with pytest.raises(InvalidPayload, match="params is not JSON-serialisable"):
        await wf.create(params={"when": object()})
    with pytest.raises(InvalidPayload, match="limit is 1 MiB"):
        await wf.create(params="z" * (1024 * 1024 + 1))
    with pytest.raises(InstanceNotFound, match="no workflow instance 'ghost'"):
        await wf.get("ghost")
    h = await wf.create(id="mine")
    assert (await wf.get("mine")).id == "mine"
    with pytest.raises(InstanceNotFound, match="of workflow 'other'"):
        await engine.workflow("other").get("mine")
    with pytest.raises(UnknownWorkflow, match="no workflow named 'nope'"):
        engine.workflow("nope")
    await h.wait(timeout=5)
    with pytest.raises(InstanceNotFound):
        await engine.instance("ghost").status()
    assert engine.peek_status("ghost") is None


async def test_concurrency_limit_and_truthful_queued(make_engine) -> None:
    gate = asyncio.Event()
    active: list[int] = []
    peak = [0]

    async def body(event, step):
        async def work():
            active.append(1)
            peak[0] = max(peak[0], len(active))
            await gate.wait()
            active.pop()
            return event.payload

        return await step.do("work", work)

    engine = await make_engine({"wf": FnFlow(body)}, max_concurrency=2)
    hs = await engine.workflow("wf").create_batch([{"params": i} for i in range(5)])
    await until(lambda: len(active) == 2)
    await asyncio.sleep(0.01)
    statuses = [(await h.status())["status"] for h in hs]
    assert statuses == ["running", "running", "queued", "queued", "queued"]
    assert engine.running_count == 2
    assert {r["status"] for r in engine.list_instances(status="queued")} == {"queued"}
    gate.set()
    outputs = [(await h.wait(timeout=5))["output"] for h in hs]
    assert outputs == [0, 1, 2, 3, 4]
    assert peak[0] == 2
    assert engine.running_count == 0


async def test_waiting_instances_do_not_hold_slots(make_engine, clock) -> None:
    async def body(event, step):
        if event.payload == "sleeper":
            await step.sleep("nap", 100)
        return await step.do("work", lambda: event.payload)

    engine = await make_engine({"wf": FnFlow(body)}, max_concurrency=1, clock=clock)
    wf = engine.workflow("wf")
    sleeper = await wf.create(params="sleeper")
    await until_status(sleeper, "waiting")
    worker = await wf.create(params="worker")
    assert (await worker.wait(timeout=5))["output"] == "worker"
    clock.advance(100)
    assert (await sleeper.wait(timeout=5))["output"] == "sleeper"


async def test_engine_arguments_and_closed_engine(db_path) -> None:
    from leaselab_desktop.engine import Engine, EngineClosed, WorkflowEntrypoint

    with pytest.raises(ValueError, match="max_concurrency"):
        Engine(db_path, {"wf": FnFlow(echo)}, max_concurrency=0)
    with pytest.raises(TypeError, match="must be a WorkflowEntrypoint"):
        Engine(db_path, {"wf": echo})  # type: ignore[dict-item]
    engine = Engine(db_path, {"wf": FnFlow(echo)})
    with pytest.raises(EngineClosed, match="not running"):
        await engine.workflow("wf").create()
    await engine.start()
    h = await engine.workflow("wf").create(id="before-close")
    await h.wait(timeout=5)
    await engine.close()
    await engine.close()  # idempotent
    with pytest.raises(EngineClosed):
        await engine.workflow("wf").create()
    with pytest.raises(EngineClosed):
        engine.peek_status("before-close")

    class NoRun(WorkflowEntrypoint):
        pass

    async with Engine(db_path, {"norun": NoRun()}) as e2:
        st = await (await e2.workflow("norun").create()).wait(timeout=5)
        assert st["error"]["name"] == "NotImplementedError"
