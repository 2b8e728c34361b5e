"""The semantics table of step.do: attempts, backoff, timeouts, non-retryable errors, results."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from engine_helpers import FnFlow, note, until, until_status

from leaselab_desktop.engine import (
    ManualClock,
    NonRetryableError,
    Retries,
    StepConfig,
)


def failing(counter: list[int], succeed_on: int | None = None) -> Any:
    def fn() -> str:
        counter.append(1)
        n = len(counter)
        if succeed_on is not None and n >= succeed_on:
            return f"ok after {n}"
        raise RuntimeError(f"fail {n}")

    return fn


@pytest.mark.parametrize(
    ("backoff", "delays"),
    [("constant", [2.0, 2.0, 2.0]), ("linear", [2.0, 4.0, 6.0]), ("exponential", [2.0, 4.0, 8.0])],
)
async def test_attempts_are_limit_plus_one_with_backoff(make_engine, backoff, delays) -> None:
    calls: list[int] = []
    clock = ManualClock(auto=True)

    async def body(event, step):
        cfg = StepConfig(retries=Retries(limit=3, delay=2, backoff=backoff), timeout=30)
        return await step.do("flaky", failing(calls), config=cfg)

    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create(id="sem-1")
    st = await h.wait(timeout=5)
    assert len(calls) == 4
    assert clock.sleeps == delays
    assert st == {"status": "errored", "error": {"name": "RuntimeError", "message": "fail 4"},
                  "output": None}
    [details] = await h.steps()
    assert details["type"] == "step" and details["success"] is False
    assert [a["error"]["message"] for a in details["attempts"]] == [f"fail {i}" for i in range(1, 5)]
    assert all(a["start"] and a["end"] and a["success"] is False for a in details["attempts"])
    assert details["config"]["retries"] == {"limit": 3, "delay": 2.0, "backoff": backoff}


async def test_success_after_retries_records_every_attempt(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        cfg = StepConfig(retries=Retries(limit=5, delay=1, backoff="linear"))
        return await step.do("flaky", failing(calls, succeed_on=3), config=cfg)

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert await h.wait(timeout=5) == {"status": "complete", "error": None, "output": "ok after 3"}
    [details] = await h.steps()
    assert [a["success"] for a in details["attempts"]] == [False, False, True]
    assert details["output"] == "ok after 3" and details["success"] is True


async def test_limit_zero_means_one_attempt(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        return await step.do("once", failing(calls), config=StepConfig(retries=Retries(limit=0)))

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["status"] == "errored"
    assert len(calls) == 1


async def test_non_retryable_error_fails_at_once(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        def fn():
            calls.append(1)
            raise NonRetryableError("lead 42 does not exist")

        return await step.do("fetch-lead", fn, config=StepConfig(retries=Retries(limit=5, delay=1)))

    clock = ManualClock(auto=True)
    engine = await make_engine({"wf": FnFlow(body)}, clock=clock)
    h = await engine.workflow("wf").create()
    st = await h.wait(timeout=5)
    assert st["error"] == {"name": "NonRetryableError", "message": "lead 42 does not exist"}
    assert len(calls) == 1 and clock.sleeps == []


async def test_timeout_counts_as_failed_attempt_then_fails(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        async def slow():
            calls.append(1)
            await asyncio.sleep(30)

        cfg = StepConfig(retries=Retries(limit=1, delay=0), timeout=0.05)
        return await step.do("call-ai", slow, config=cfg)

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    st = await h.wait(timeout=5)
    assert len(calls) == 2
    assert st["status"] == "errored"
    assert st["error"]["name"] == "StepTimeoutError"
    assert "timed out after 0.05 s" in st["error"]["message"]
    [details] = await h.steps()
    assert [a["error"]["name"] for a in details["attempts"]] == ["StepTimeoutError"] * 2


async def test_timeout_then_success(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        async def sometimes_slow():
            calls.append(1)
            if len(calls) == 1:
                await asyncio.sleep(30)
            return "fast"

        cfg = StepConfig(retries=Retries(limit=2, delay=0), timeout=0.05)
        return await step.do("call-ai", sometimes_slow, config=cfg)

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == "fast"


async def test_non_json_result_fails_clearly_without_retry(make_engine) -> None:
    calls: list[int] = []

    async def body(event, step):
        def fn():
            calls.append(1)
            return {"ids": {1, 2}}

        return await step.do("load-documents", fn, config=StepConfig(retries=Retries(limit=3)))

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    st = await h.wait(timeout=5)
    assert st["error"]["name"] == "StepResultError"
    assert "result of step 'load-documents' is not JSON-serialisable" in st["error"]["message"]
    assert len(calls) == 1


async def test_result_over_one_mib_fails_clearly(make_engine) -> None:
    async def body(event, step):
        return await step.do("load-documents", lambda: "x" * (1024 * 1024), config=StepConfig())

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    st = await h.wait(timeout=5)
    assert st["error"]["name"] == "StepResultError"
    assert "limit is 1 MiB" in st["error"]["message"]
    assert "1.00 MiB" in st["error"]["message"]


async def test_result_of_exactly_one_mib_is_stored(make_engine) -> None:
    big = "y" * (1024 * 1024 - 2)  # plus two quotes = 1 MiB of JSON

    async def body(event, step):
        value = await step.do("big", lambda: big, config=StepConfig())
        return len(value)

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == len(big)


async def test_results_come_back_as_stored_json(make_engine) -> None:
    async def body(event, step):
        value = await step.do("tuple", lambda: {"pair": (1, 2)}, config=StepConfig())
        return value

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == {"pair": [1, 2]}


async def test_sync_and_cloudflare_argument_order(make_engine) -> None:
    async def body(event, step):
        a = await step.do("sync", lambda: 1)
        b = await step.do("cf-order", StepConfig(retries=Retries(limit=0)), lambda: 2)

        async def three():
            return 3

        c = await step.do("async", three, config=StepConfig())
        return [a, b, c, event.payload, event.instance_id]

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create(id="order", params={"lead": 7})
    assert (await h.wait(timeout=5))["output"] == [1, 2, 3, {"lead": 7}, "order"]


async def test_same_name_twice_is_two_steps(make_engine) -> None:
    async def body(event, step):
        return [await step.do("poll", lambda n=n: n) for n in (1, 2, 3)]

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == [1, 2, 3]
    assert [(s["name"], s["occurrence"]) for s in await h.steps()] == [
        ("poll", 1), ("poll", 2), ("poll", 3)]


async def test_uncaught_error_outside_steps_and_bad_output(make_engine) -> None:
    async def boom(event, step):
        raise KeyError("missing")

    async def bad_output(event, step):
        return object()

    engine = await make_engine({"boom": FnFlow(boom), "bad": FnFlow(bad_output)})
    st = await (await engine.workflow("boom").create()).wait(timeout=5)
    assert st["status"] == "errored" and st["error"]["name"] == "KeyError"
    st = await (await engine.workflow("bad").create()).wait(timeout=5)
    assert st["status"] == "errored" and st["error"]["name"] == "InvalidPayload"
    assert "workflow's output is not JSON-serialisable" in st["error"]["message"]


async def test_caught_step_failure_is_replayed_not_rerun(make_engine) -> None:
    calls: list[str] = []

    async def body(event, step):
        try:
            await step.do("bad", lambda: note(calls, "bad") / 0,
                          config=StepConfig(retries=Retries(limit=0)))
            outcome = "unexpected"
        except ZeroDivisionError:
            outcome = "fallback"
        except Exception as exc:  # replayed failures keep the original name
            outcome = f"fallback:{exc.error_name}"  # type: ignore[attr-defined]
        after = await step.do("after", lambda: note(calls, "after", "done"))
        return [outcome, after]

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == ["fallback", "done"]
    await h.restart(from_step="after")
    assert (await h.wait(timeout=5))["output"] == ["fallback:ZeroDivisionError", "done"]
    assert calls == ["bad", "after", "after"]


async def test_parallel_steps_with_gather(make_engine) -> None:
    runs: list[str] = []

    async def body(event, step):
        async def work(name: str) -> str:
            runs.append(name)
            await asyncio.sleep(0)
            return name.upper()

        results = await asyncio.gather(*(step.do(f"part-{n}", lambda n=n: work(n)) for n in "abc"))
        total = await step.do("join", lambda: "".join(results))
        return total

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    assert (await h.wait(timeout=5))["output"] == "ABC"
    await h.restart(from_step="join")
    assert (await h.wait(timeout=5))["output"] == "ABC"
    assert sorted(runs) == ["a", "b", "c"]


async def test_mutating_a_result_does_not_change_its_replay(make_engine) -> None:
    gate = asyncio.Event()

    async def body(event, step):
        doc = await step.do("doc", lambda: {"flags": []})
        doc["flags"].append("mutated")
        await step.do("gate", gate.wait)
        await step.do("after", lambda: None)
        return doc

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create()
    run = engine._live[h.id]
    await until(lambda: ("gate", 1) in run.steps and bool(run.steps[("gate", 1)].attempts))
    await h.pause()  # waitingForPause: the gate step finishes, then the instance pauses
    gate.set()
    await until_status(h, "paused")
    await h.resume()  # replays "doc" from memory and mutates it once more
    assert (await h.wait(timeout=5))["output"] == {"flags": ["mutated"]}
    assert (await h.steps())[0]["output"] == {"flags": []}
