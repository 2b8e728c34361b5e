"""The run stream (SSE) of the project's worker: parsing, deltas, and falling back to polling."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cf_ops_server import OpsState, body_tag

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.cloudflare.client import StreamBroken
from leaselab_desktop.backends.cloudflare.stream import SseParser, apply_change
from leaselab_desktop.domain.models import RunSnapshot

SLOW = (0.25,) * 7  # a run of ~1.75 s: long enough for a stall to be noticed mid-run


def _requests(state: OpsState, run_id: str) -> tuple[list[dict[str, str]], list[str]]:
    events = [h for m, p, h in state.log if p.startswith(f"/api/ops/ai-workflows/{run_id}/events")]
    polls = [p for m, p, h in state.log if p == f"/api/ops/ai-workflows/{run_id}"]
    return events, polls


async def _follow(backend: CloudflareBackend, run_id: str, timeout: float = 20) -> list[RunSnapshot]:
    async def go() -> list[RunSnapshot]:
        return [s async for s in backend.watch_run(run_id)]

    return await asyncio.wait_for(go(), timeout)


def _visible(snaps: list[RunSnapshot]) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.status, tuple(st.status for st in s.steps)) for s in snaps]


# -- parsing and deltas ---------------------------------------------------------------------------

def test_parser_handles_split_chunks_crlf_multiline_data_and_comments() -> None:
    p = SseParser()
    assert p.feed(": keep-alive\r\n\r\nevent: snap") == []
    assert p.comments == 1 and p.pending
    assert p.feed("shot\r\nid: a1\r\ndata: {\"x\":\r\ndata: 1}\r") == []
    (ev,) = p.feed("\n\r\n")
    assert (ev.event, ev.id, ev.data) == ("snapshot", "a1", '{"x":\n1}')
    assert not p.pending
    evs = p.feed("data:{}\rretry: 5\rfoo\r\revent: change\ndata: {}\n\n")
    assert [(e.event, e.data) for e in evs] == [("message", "{}"), ("change", "{}")]


def test_apply_change_merges_fields_and_steps_by_name() -> None:
    state = {"status": "running", "current_step": "a", "output": None,
             "steps": [{"name": "a", "status": "running", "attempts": 1},
                       {"name": "b", "status": "pending", "attempts": 0}]}
    out = apply_change(state, {"status": "complete", "current_step": None, "output": {"score": 1},
                               "steps": [{"name": "b", "status": "complete"}, {"name": "c", "status": "complete"}]})
    assert out["status"] == "complete" and out["output"] == {"score": 1} and out["current_step"] is None
    assert out["steps"] == [{"name": "a", "status": "running", "attempts": 1},
                            {"name": "b", "status": "complete", "attempts": 0},
                            {"name": "c", "status": "complete"}]
    assert state["steps"][1]["status"] == "pending"  # the input is not changed
    with pytest.raises(StreamBroken):
        apply_change(state, {"steps": [{"status": "complete"}]})


# -- following a run --------------------------------------------------------------------------

async def test_run_followed_through_one_stream_request(make_backend, wf_url: str, wf_state: OpsState,
                                                       cache: OfflineCache) -> None:
    wf_state.queue_s, wf_state.step_s = 0.2, (0.1,) * 7
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_010")
    snaps = await _follow(backend, ticket.run_id)
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(events) == 1 and polls == []  # no polling at all
    assert "Last-Event-ID" not in events[0]
    assert events[0]["Authorization"] == "Bearer tok-secret-123"
    assert snaps[0].status == "queued" and snaps[-1].status == "complete"
    assert snaps[-1].output is not None and snaps[-1].output.workflow_instance_id == ticket.run_id
    assert len(snaps) >= 5  # the steps were shown as they moved
    assert all(a != b for a, b in zip(_visible(snaps), _visible(snaps[1:]), strict=False))  # each a change
    # the same final snapshot as the status route, and the offline cache has it
    assert snaps[-1] == await backend.get_run(ticket.run_id)
    held = cache.run("site_demo", ticket.run_id)
    assert held is not None and held.status == "complete"
    assert cache.open_runs("site_demo") == []
    assert backend.api.stream_support is True


async def test_poll_after_the_stream_is_a_304(make_backend, wf_url: str, wf_state: OpsState) -> None:
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_011")
    final = (await _follow(backend, ticket.run_id))[-1]
    before = len(wf_state.log)
    again = await backend.get_run(ticket.run_id)  # the streamed state's ETag is sent
    assert again == final
    tag = body_tag(wf_state.status(wf_state.runs[ticket.run_id]))
    assert wf_state.log[before][2].get("If-None-Match") == f'"{tag}"'


@pytest.mark.parametrize("how", ["no_route", "wrong_ctype"])
async def test_server_without_the_stream_is_polled_and_remembered(
    make_backend, wf_url: str, wf_state: OpsState, how: str
) -> None:
    if how == "no_route":
        wf_state.stream = False
    else:
        wf_state.stream_fault, wf_state.stream_faults = "wrong_ctype", 99
    backend = make_backend(wf_url)
    first = await backend.start_evaluation("lead_012")
    snaps = await _follow(backend, first.run_id)
    assert snaps[0].status in ("queued", "running") and snaps[-1].status == "complete"
    assert backend.api.stream_support is False
    second = await backend.start_evaluation("lead_013")
    await _follow(backend, second.run_id)
    events, polls = _requests(wf_state, second.run_id)
    assert events == [] and polls  # detected once: the next run is polled straight away


@pytest.mark.parametrize("fault", ["stall", "garbage", "truncate", "drop", "500"])
async def test_broken_stream_falls_back_to_polling_then_streams_again(
    make_backend, wf_url: str, wf_state: OpsState, fault: str
) -> None:
    wf_state.queue_s, wf_state.step_s = 0.1, (*SLOW[:6], 2.5)  # long enough for the 2 s retry
    wf_state.stream_fault, wf_state.stream_faults = fault, 1
    backend = make_backend(wf_url)
    backend.api.stream_keepalive_s = 0.2  # a stall is noticed after 0.9 s of silence
    ticket = await backend.start_evaluation("lead_014")
    snaps = await _follow(backend, ticket.run_id)
    assert snaps[0].status in ("queued", "running")
    reference = make_backend(wf_url)
    reference.api.stream_support = False
    assert snaps[-1].status == "complete" and snaps[-1] == await reference.get_run(ticket.run_id)
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(polls) >= 2  # it polled meanwhile (the reference read once)
    assert len(events) == 2  # one broken, one retried after the back-off; never two at once
    assert events[1].get("Last-Event-ID")  # resumed from what it had (polled or streamed)
    assert backend.api.stream_support is True
    seen = _visible(snaps)
    assert len(seen) == len(set(seen))  # no change shown twice across the fallback


async def test_resumed_stream_after_reconnect_shows_no_change_twice(
    make_backend, wf_url: str, wf_state: OpsState
) -> None:
    wf_state.queue_s, wf_state.step_s = 0.1, SLOW
    wf_state.stream_max_s = 0.3  # the server asks for a reconnect every 0.3 s
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_015")
    snaps = await _follow(backend, ticket.run_id)
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(events) >= 4 and polls == []
    assert all(h.get("Last-Event-ID") for h in events[1:])
    seen = _visible(snaps)
    assert len(seen) == len(set(seen)) and snaps[-1].status == "complete"


async def test_stalled_stream_is_detected_by_silence_not_by_slow_steps(
    make_backend, wf_url: str, wf_state: OpsState
) -> None:
    # a step that takes 1.5 s, keep-alives every 0.2 s: the stream is healthy throughout
    wf_state.queue_s, wf_state.step_s = 0.05, (0.05, 0.05, 1.5, 0.05, 0.05, 0.05, 0.05)
    backend = make_backend(wf_url)
    backend.api.stream_keepalive_s = 0.2
    ticket = await backend.start_evaluation("lead_016")
    await _follow(backend, ticket.run_id)
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(events) == 1 and polls == []


async def test_jobs_are_never_streamed(make_backend, job_url: str, job_state: OpsState) -> None:
    backend = make_backend(job_url, token=None)
    ticket = await backend.start_evaluation("lead_017")
    snaps = await _follow(backend, ticket.run_id)
    assert not snaps[-1].can_terminate and snaps[-1].status == "complete"
    assert not [p for m, p, h in job_state.log if p.endswith("/events")]


async def test_cancelled_watch_closes_the_stream(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.queue_s = 30
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_018")
    watch = backend.watch_run(ticket.run_id)
    first: Any = await asyncio.wait_for(watch.__anext__(), 5)
    assert first.status == "queued"
    await watch.aclose()  # type: ignore[attr-defined]
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(events) == 1 and polls == []


async def test_streams_that_never_deliver_are_given_up_for_this_server(
    make_backend, wf_url: str, wf_state: OpsState, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaselab_desktop.backends.cloudflare import followups

    monkeypatch.setattr(followups, "STREAM_RETRY_S", (0.1,))
    wf_state.queue_s, wf_state.step_s = 0.1, (*SLOW[:6], 4.0)
    wf_state.stream_fault, wf_state.stream_faults = "stall_at_once", 99  # a buffering proxy, say
    backend = make_backend(wf_url)
    backend.api.stream_keepalive_s = 0.2
    ticket = await backend.start_evaluation("lead_019")
    snaps = await _follow(backend, ticket.run_id)
    assert snaps[-1].status == "complete"
    events, polls = _requests(wf_state, ticket.run_id)
    assert len(events) == followups.MAX_EMPTY_STREAMS and polls
    assert backend.api.stream_support is False
