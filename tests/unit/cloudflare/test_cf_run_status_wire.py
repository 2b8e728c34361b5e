"""Run statuses: each server's words are mapped where its wire shape is (job_wire, workflow_wire);
the domain model carries the workflow vocabulary only and translates nothing."""

from __future__ import annotations

import pytest

from leaselab_desktop.backends.cloudflare.job_wire import job_snapshot, job_ticket, run_status
from leaselab_desktop.backends.cloudflare.workflow_wire import workflow_snapshot, workflow_ticket
from leaselab_desktop.domain.models import RunSnapshot


@pytest.mark.parametrize(("word", "status"), [
    ("pending", "queued"), ("processing", "running"), ("completed", "complete"), ("failed", "errored"),
    ("error", "errored"), (None, "unknown"), ("", "unknown"), (7, "unknown"), ("paused", "paused"),
    ("something-new", "something-new"),
])
def test_run_status_maps_every_server_word(word: object, status: str) -> None:
    assert run_status(word) == status


def test_the_job_api_is_mapped_in_job_wire() -> None:
    snap = job_snapshot({"jobId": "job_1", "leadId": "lead_1", "status": "processing"})
    assert (snap.run_id, snap.status, snap.finished) == ("job_1", "running", False)
    assert job_snapshot({"job_id": "job_2", "lead_id": "lead_1", "status": "failed",
                         "error_message": "boom"}).status == "errored"
    assert job_ticket({"jobId": "job_3"}, "lead_1", None).status == "queued"  # a job starts pending


def test_the_workflow_api_is_mapped_in_workflow_wire() -> None:
    assert workflow_snapshot({"instance_id": "run_1", "lead_id": "lead_1", "status": "error"}).status == "errored"
    assert workflow_snapshot({"instance_id": "run_1", "lead_id": "lead_1"}).status == "unknown"
    assert workflow_ticket({"instance_id": "run_2"}, "lead_1", None).status == "queued"


def test_the_domain_model_translates_no_wire_word() -> None:
    # job words are a wire concern: a RunSnapshot built from them keeps them as given
    assert RunSnapshot(run_id="r", lead_id="l", status="processing").status == "processing"
    assert not RunSnapshot(run_id="r", lead_id="l", status="completed").finished
