"""Unfinished runs are followed again after an app restart (a new backend on the same cache)."""

from __future__ import annotations

import asyncio

from cf_ops_server import OpsState

from leaselab_desktop.backends.cloudflare import FollowUps, OfflineCache


async def test_workflow_run_followed_across_restart(make_backend, wf_url: str, wf_state: OpsState,
                                                    cache: OfflineCache) -> None:
    wf_state.queue_s = 0.4
    first = make_backend(wf_url)
    ticket = await first.start_evaluation("lead_040")
    await first.aclose()  # the app quits while the run is queued
    second = make_backend(wf_url)
    follow = FollowUps(second)
    assert [r.run_id for r in follow.pending()] == [ticket.run_id]
    seen: list[str] = []
    finals = await asyncio.wait_for(follow.follow_all(lambda s: seen.append(s.status)), 10)
    assert finals[0] is not None and finals[0].status == "complete"
    assert seen[0] == "queued" and seen[-1] == "complete"
    assert follow.pending() == []
    latest = await second.latest_evaluation("lead_040")
    assert latest is not None and latest.workflow_instance_id == ticket.run_id


async def test_waiting_job_followed_across_restart_without_hammering(
    make_backend, job_url: str, job_state: OpsState
) -> None:
    job_state.queue_s = 2.5
    first = make_backend(job_url)
    ticket = await first.start_evaluation("lead_041")
    await first.aclose()
    second = make_backend(job_url)
    follow = FollowUps(second)

    async def record(snap) -> None:
        await asyncio.sleep(0)

    finals = await asyncio.wait_for(follow.follow_all(record), 15)
    assert finals[0] is not None and finals[0].status == "complete" and not finals[0].can_terminate
    polls = [p for m, p, h in job_state.log if p.startswith(f"/api/ops/ai-evaluation-jobs/{ticket.run_id}")]
    assert len(polls) <= 12  # 2.5 s of waiting with max 1 s between polls, backing off from 0.1 s


async def test_vanished_run_is_dropped(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.queue_s = 5
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_042")
    wf_state.runs.pop(ticket.run_id)
    follow = FollowUps(backend)
    assert await follow.follow(ticket.run_id) is None
    assert follow.pending() == []
