"""Attempts record the requests they send: the providers' HTTP transport marks the running attempt
"request sent", committed, before the request goes out, so a record of paid model calls is exact
(the kill soak checks calls == marks) and an attempt cut short before its request says so."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_helpers import FnFlow

from leaselab_desktop.engine import note_request_sent
from leaselab_desktop.engine.records import StepRecord
from leaselab_desktop.screening.providers.http import RetryPolicy, post_json


def _stored_attempts(db: Path, step: str) -> list[dict[str, Any]]:
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT attempts FROM steps WHERE name = ?", (step,)).fetchone()
    return json.loads(row[0]) if row else []


async def test_the_mark_is_committed_before_the_transport_sees_the_request(make_engine, db_path: Path) -> None:
    seen_on_disk: list[list[dict[str, Any]]] = []
    answers = iter([httpx.Response(503, json={"error": "busy"}), httpx.Response(200, json={"ok": True})])

    def transport(request: httpx.Request) -> httpx.Response:
        # what a kill at this instant would leave behind: the engine database as committed
        seen_on_disk.append(_stored_attempts(db_path, "call-model"))
        return next(answers)

    async def body(event: Any, step: Any) -> Any:
        async def call() -> Any:
            async with httpx.AsyncClient(transport=httpx.MockTransport(transport)) as client:
                return await post_json(client, "http://model.invalid/v1", body={}, headers={}, timeout=5,
                                       retry=RetryPolicy(max_retries=1, backoff=0), service="The model")
        return await step.do("call-model", call)

    engine = await make_engine({"wf": FnFlow(body)})
    h = await engine.workflow("wf").create(id="marks-1")
    assert (await h.wait(timeout=5))["status"] == "complete"
    # one engine attempt, two HTTP requests (the provider's own retry): each marked before it left
    assert [a[-1].get("requests") for a in seen_on_disk] == [1, 2]
    [details] = await h.steps()
    assert [a["requests"] for a in details["attempts"]] == [2]


async def test_outside_a_step_the_mark_does_nothing() -> None:
    await note_request_sent()  # a settings check calling the provider: no engine, no error


@pytest.mark.parametrize(("marks", "words"), [(0, "before it sent any request"), (1, "after it sent 1 request(s)")])
async def test_an_attempt_stopped_by_a_shutdown_says_whether_its_request_went_out(
    make_engine, db_path: Path, marks: int, words: str
) -> None:
    started = asyncio.Event()

    async def body(event: Any, step: Any) -> Any:
        async def hang() -> None:
            for _ in range(marks):
                await note_request_sent()
            started.set()
            await asyncio.Event().wait()
        return await step.do("call-model", hang)

    engine = await make_engine({"wf": FnFlow(body)})
    await engine.workflow("wf").create(id="marks-2")
    await asyncio.wait_for(started.wait(), 5)
    await engine.close()
    [attempt] = _stored_attempts(db_path, "call-model")
    assert attempt["interrupted"] is True and attempt["requests"] == marks
    assert words in attempt["error"]["message"]


@pytest.mark.parametrize(("stored", "requests", "words"), [
    ({"start": 1.0, "end": None, "success": None, "error": None}, 0, "before it sent any request"),
    ({"start": 1.0, "end": None, "success": None, "error": None, "requests": 2}, 2, "after it sent 2 request(s)"),
])
def test_an_attempt_a_kill_cut_short_is_read_back_with_its_requests(
    stored: dict[str, Any], requests: int, words: str
) -> None:
    """A SIGKILL writes nothing: the attempt is found with no end, and is read as interrupted."""
    row = {"name": "call-model", "occurrence": 1, "ord": 1, "type": "step", "start": 1.0, "end": None,
           "success": None, "output": None, "error": None, "config": None, "attempts": json.dumps([stored]),
           "wake_at": None, "event_type": None}
    rec = StepRecord.from_row(row)
    [attempt] = rec.attempts
    assert attempt["interrupted"] is True and attempt["requests"] == requests
    assert words in attempt["error"]["message"]
    assert rec.counted_attempts() == 0  # an interrupted attempt uses up no retry
