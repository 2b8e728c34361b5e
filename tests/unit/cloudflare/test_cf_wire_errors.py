"""Both error envelopes → typed errors; flavour detection from answers; safe start retries."""

from __future__ import annotations

import pytest
from cf_ops_server import OpsState

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare.client import GenericNotFound, OpsClient, error_for
from leaselab_desktop.backends.errors import (
    AlreadyEvaluated,
    AlreadyRunning,
    BackendUnavailable,
    DuplicateDocuments,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    Unauthorized,
)


@pytest.mark.parametrize(
    ("status", "body", "kind", "check"),
    [
        (404, {"error": "Not found", "message": "Lead not found"}, GenericNotFound, "Lead not found"),
        (404, {"success": False, "error": "WorkflowNotFound", "message": "Workflow instance not found"},
         NotFound, "Workflow instance not found"),
        (404, {"error": "JobNotFound"}, NotFound, "job does not exist"),
        (409, {"success": False, "error": "AlreadyRunning", "instance_id": "i1"}, AlreadyRunning, "already"),
        (409, {"error": "JobAlreadyPending", "job_id": "job_1"}, AlreadyRunning, "already"),
        (409, {"success": False, "error": "DuplicateDocuments", "message": "same docs",
               "last_evaluation_id": "e1", "last_evaluated_at": "2026-11-25 19:55:40", "can_force": False},
         DuplicateDocuments, "same docs"),
        (409, {"error": "AlreadyEvaluated", "evaluation_id": "e9"}, AlreadyEvaluated, "already has"),
        (403, {"success": False, "error": "QuotaExceeded", "message": "limit (20/20)",
               "usage": {"remaining": 0, "limit": 20, "month": "2026-11"}}, QuotaExceeded, "20/20"),
        (429, {"error": "QuotaExceeded", "message": "m",
               "usage": {"used": 100, "limit": 100, "month": "2026-11", "tier": "pro"}}, QuotaExceeded, "m"),
        (401, {"error": "Unauthorized"}, Unauthorized, "token"),
        (403, {"error": "Forbidden"}, Unauthorized, "site"),
        (400, {"error": "Missing X-Site-Id header"}, InvalidRequest, "X-Site-Id"),
        (500, {"error": "Internal Server Error", "message": "R2 list failed"}, BackendUnavailable, "HTTP 500"),
    ],
)
def test_both_error_envelopes(status: int, body: dict, kind: type, check: str) -> None:
    err = error_for(status, body)
    assert type(err) is kind
    assert check in str(err)


def test_error_details_are_kept() -> None:
    dup = error_for(409, {"error": "DuplicateDocuments", "last_evaluation_id": "e1",
                          "last_evaluated_at": "2026-11-25 19:55:40", "can_force": False})
    assert isinstance(dup, DuplicateDocuments)
    assert dup.last_evaluation_id == "e1" and not dup.can_force
    assert dup.last_evaluated_at is not None and dup.last_evaluated_at.tzinfo is not None
    quota = error_for(429, {"error": "QuotaExceeded", "usage": {"used": 7, "limit": 7, "month": "2026-11"}})
    assert isinstance(quota, QuotaExceeded) and quota.usage is not None
    assert quota.usage.evaluation_count == 7 and quota.usage.remaining == 0


def test_flavour_from_answers() -> None:
    assert fl.from_start_answer({"job_id": "job_1"}) is fl.Flavour.JOB
    assert fl.from_start_answer({"instance_id": "x"}) is fl.Flavour.WORKFLOW
    assert fl.from_leads_answer({"data": [], "next_cursor": None}) is fl.Flavour.WORKFLOW
    assert fl.from_leads_answer({"data": []}) is fl.Flavour.JOB
    assert fl.from_leads_answer({"error": "x"}) is fl.Flavour.UNKNOWN
    assert fl.from_evaluation({"riskFlags": []}) is fl.Flavour.JOB
    assert fl.from_evaluation({"risk_flags": []}) is fl.Flavour.WORKFLOW
    assert fl.from_error(429, {"error": "QuotaExceeded"}) is fl.Flavour.JOB
    assert fl.from_error(403, {"error": "QuotaExceeded"}) is fl.Flavour.WORKFLOW
    d = fl.FlavourDetector()
    d.observe(fl.Flavour.UNKNOWN)
    assert not d.known
    d.observe(fl.Flavour.JOB)
    d.observe(fl.Flavour.WORKFLOW)  # the first conclusive answer wins
    assert d.flavour is fl.Flavour.JOB
    assert fl.parse("nonsense") is fl.Flavour.UNKNOWN


def test_bad_base_url_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="not an http"):
        OpsClient("ftp://example.com", site_id="s", user_id="u", token=None)
    with pytest.raises(InvalidRequest):
        OpsClient("example.com", site_id="s", user_id="u", token=None)


async def test_same_idempotency_key_returns_the_first_run(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.queue_s = 5
    backend = make_backend(wf_url)
    first = await backend.start_evaluation("lead_050", idempotency_key="k-1")
    again = await backend.start_evaluation("lead_050", idempotency_key="k-1")
    assert again.run_id == first.run_id and len(wf_state.runs) == 1 and wf_state.used == 1
    keys = [h.get("Idempotency-Key") for m, _p, h in wf_state.log if m == "POST"]
    assert keys == ["k-1", "k-1"]
    with pytest.raises(AlreadyRunning):
        await backend.start_evaluation("lead_050")  # a fresh key is a new request


async def test_reads_are_retried_writes_are_not(make_backend, wf_url: str, wf_state: OpsState) -> None:
    backend = make_backend(wf_url, read_retries=2)
    wf_state.unavailable_next = 2
    lead = await backend.get_lead("lead_051")  # two 503s, then the answer
    assert lead.id == "lead_051" and not backend.last_read.stale
    assert [m for m, p, _h in wf_state.log if p.endswith("/leads/lead_051")] == ["GET"] * 3
    wf_state.unavailable_next = 1
    with pytest.raises(BackendUnavailable, match="503"):
        await backend.start_evaluation("lead_051")
    assert [m for m, _p, _h in wf_state.log].count("POST") == 1
    assert wf_state.runs == {}
