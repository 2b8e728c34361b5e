"""Reading server answers into domain models: what both API flavours share (leads, files, usage,
overrides, envelopes), and the choice between ``workflow_wire`` and ``job_wire`` for runs.

The domain models carry no wire spellings: every camelCase key, synonym and flavour is mapped here."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from leaselab_desktop.backends.cloudflare.client import Answer
from leaselab_desktop.backends.cloudflare.flavour import Flavour, from_evaluation, from_start_answer
from leaselab_desktop.backends.cloudflare.job_wire import job_evaluation, job_snapshot, job_ticket
from leaselab_desktop.backends.cloudflare.shapes import first, snake_keys, usage_from
from leaselab_desktop.backends.cloudflare.workflow_wire import (
    workflow_evaluation,
    workflow_snapshot,
    workflow_ticket,
)
from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile, Override, RunSnapshot, RunTicket
from leaselab_desktop.domain.timefmt import edge_times


def run_snapshot(data: Any, kind: str) -> RunSnapshot:
    """A workflow status (``kind="workflow"``) or a job answer (``"job"``) → RunSnapshot."""
    if not isinstance(data, dict):
        raise ValueError("run answer is not an object")
    return job_snapshot(data) if kind == "job" else workflow_snapshot(data)


def evaluation(data: Any, lead_id: str | None = None) -> Evaluation | None:
    """A latest/history evaluation of either flavour (told apart by its spelling)."""
    if not isinstance(data, dict):
        return None
    if from_evaluation(data) is Flavour.JOB:
        return job_evaluation(data, lead_id)
    return workflow_evaluation(data, lead_id)


def lead_from(raw: Any) -> Lead:
    """A lead in the deployed shape (camelCase; the project worker answers the same)."""
    if not isinstance(raw, dict):
        raise BackendUnavailable("The server sent a lead that could not be read.")
    return Lead.model_validate(edge_times(Lead, snake_keys(raw)))


def file_from(raw: Any) -> LeadFile:
    if not isinstance(raw, dict):
        raise BackendUnavailable("The server sent a file entry that could not be read.")
    return LeadFile.model_validate(edge_times(LeadFile, snake_keys(raw)))


def start_ticket(payload: Any, lead_id: str) -> tuple[RunTicket, Flavour]:
    """A 202 (workflow) or 201 (job) start answer → the RunTicket (with the usage it reports) and
    the flavour of server that answered."""
    body = payload if isinstance(payload, dict) else {}
    data = body.get("data")
    if not isinstance(data, dict):
        raise BackendUnavailable("The server's answer to the start could not be read.")
    raw_usage = body.get("usage")
    usage = usage_from(raw_usage) if isinstance(raw_usage, dict) and "month" in raw_usage else None
    flavour = from_start_answer(data)
    if flavour is Flavour.JOB:
        return job_ticket(data, lead_id, usage), flavour
    return workflow_ticket(data, lead_id, usage), Flavour.WORKFLOW


def seg(value: str) -> str:
    return quote(value, safe="")


def answer_data(answer: Answer) -> Any:
    payload = answer.payload
    if isinstance(payload, dict) and "data" in payload:
        return payload["data"]
    raise BackendUnavailable("The server answered without a 'data' field; it may not be a LeaseLab server.")


def override_from(raw: Any, evaluation_id: str) -> Override:
    if not isinstance(raw, dict):
        raise BackendUnavailable("The server's answer to the override could not be read.")
    data = snake_keys(raw)
    return Override.model_validate(edge_times(Override, {
        "id": data.get("id"),
        "evaluation_id": data.get("evaluation_id") or evaluation_id,
        "lead_id": data.get("lead_id"),
        "from_recommendation": first(data, "from_recommendation", "from"),
        "to_recommendation": first(data, "to_recommendation", "recommendation", "to"),
        "reason": data.get("reason"),
        "user_id": first(data, "user_id", "who", "created_by"),
        "created_at": first(data, "created_at", "when"),
    }))
