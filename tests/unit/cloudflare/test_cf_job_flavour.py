"""The client against a loopback server answering like a deployed LeaseLab worker (jobs)."""

from __future__ import annotations

import hashlib

import pytest
from cf_ops_server import OpsState

from leaselab_desktop.backends.cloudflare import Flavour
from leaselab_desktop.backends.errors import (
    AlreadyEvaluated,
    AlreadyRunning,
    BackendUnavailable,
    NotFound,
    QuotaExceeded,
)
from leaselab_desktop.domain.models import LeadQuery


async def test_pending_processing_completed(make_backend, job_url: str, job_state: OpsState) -> None:
    job_state.queue_s, job_state.step_s = 0.3, (0.15,) * 7
    backend = make_backend(job_url)
    ticket = await backend.start_evaluation("lead_002")
    assert backend.flavour is Flavour.JOB and ticket.run_id.startswith("job_")
    assert ticket.status == "queued"  # 'pending' in the workflow vocabulary
    assert backend.flavour is Flavour.JOB
    snaps = [s async for s in backend.watch_run(ticket.run_id)]
    statuses = [s.status for s in snaps]
    assert statuses[0] == "queued" and statuses[-1] == "complete"
    assert "running" in statuses
    assert any(s.progress_message == "Analysing documents" for s in snaps)
    final = snaps[-1]
    assert not final.can_terminate and final.output is not None
    assert final.output.risk_flags == ["thin_file"] and final.output.model_version == "m1"
    latest = await backend.latest_evaluation("lead_002")  # camelCase answer
    assert latest is not None and latest.evaluation_id == final.output.evaluation_id
    history = await backend.evaluation_history("lead_002")  # no history route: the latest
    assert [e.evaluation_id for e in history] == [latest.evaluation_id]


async def test_failed_job(make_backend, job_url: str, job_state: OpsState) -> None:
    job_state.fail_next = 0
    backend = make_backend(job_url)
    ticket = await backend.start_evaluation("lead_003")
    final = [s async for s in backend.watch_run(ticket.run_id)][-1]
    assert final.status == "errored" and final.can_retry
    assert final.error is not None and final.error.name == "AI_TIMEOUT"
    assert final.error.message == "model timed out"


async def test_job_conflicts_and_quota(make_backend, job_url: str, job_state: OpsState) -> None:
    job_state.queue_s = 30
    backend = make_backend(job_url)
    ticket = await backend.start_evaluation("lead_004")
    with pytest.raises(AlreadyRunning) as pending:
        await backend.start_evaluation("lead_004")
    assert pending.value.run_id == ticket.run_id
    job_state.queue_s = 0
    t2 = await backend.start_evaluation("lead_005")
    async for _ in backend.watch_run(t2.run_id):
        pass
    with pytest.raises(AlreadyEvaluated) as done:
        await backend.start_evaluation("lead_005")
    assert done.value.evaluation_id == f"ev_{t2.run_id}"
    job_state.used = job_state.quota_limit
    with pytest.raises(QuotaExceeded) as quota:
        await backend.start_evaluation("lead_006", force=True, reason="new documents")
    assert quota.value.usage is not None and quota.value.usage.quota_limit == 20
    assert quota.value.usage.evaluation_count == 20


async def test_fifty_rows_without_cursor_filtered_here(make_backend, job_url: str) -> None:
    backend = make_backend(job_url)
    page = await backend.list_leads(LeadQuery())
    assert len(page.items) == 50 and page.next_cursor is None
    found = await backend.list_leads(LeadQuery(q="ann12@"))
    assert [lead.id for lead in found.items] == ["lead_012"]  # server ignores q; client applies it
    scores = [lead.ai_score for lead in page.items if lead.ai_score is not None]
    assert scores == sorted(scores, reverse=True)


async def test_files_500_then_signed_url_without_token(make_backend, job_url: str, job_state: OpsState) -> None:
    job_state.files_500.add("lead_009")
    backend = make_backend(job_url)
    with pytest.raises(BackendUnavailable, match="HTTP 500"):
        await backend.list_files("lead_009")
    assert (await backend.health()).state in ("online", "degraded")
    await backend.list_leads(LeadQuery())
    files = await backend.list_files("lead_010")
    assert files[0].signed_url is not None
    data = await backend.read_file(files[0])
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(job_state.contents["file_010"]).hexdigest()
    signed = [h for m, p, h in job_state.log if p.startswith("/signed/")]
    assert signed and all("Authorization" not in h for h in signed)


async def test_unknown_job(make_backend, job_url: str) -> None:
    backend = make_backend(job_url)
    with pytest.raises(NotFound):
        await backend.get_run("job_4242")


async def test_flavour_found_from_a_run_id_alone(make_backend, job_url: str, job_state: OpsState) -> None:
    """A run id without the job_ prefix: the workflow route is missing, so the job route is tried."""
    backend = make_backend(job_url)
    run = job_state.start("lead_001")
    job_state.runs["plain123"] = run
    run.run_id = "plain123"
    snap = await backend.get_run("plain123")
    assert not snap.can_terminate and backend.flavour is Flavour.JOB
