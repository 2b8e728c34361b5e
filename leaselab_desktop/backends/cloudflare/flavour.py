"""Which kind of server answers: the project's worker (workflow instances) or a deployed LeaseLab
worker (jobs). Detected from answers, never configured."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Flavour(StrEnum):
    UNKNOWN = "unknown"
    WORKFLOW = "workflow"  # the project's worker
    JOB = "job"  # deployed workers

    @property
    def run_kind(self) -> str:
        return "job" if self is Flavour.JOB else "workflow"


def parse(value: str | None) -> Flavour:
    try:
        return Flavour(value or "unknown")
    except ValueError:
        return Flavour.UNKNOWN


_CAMEL_EVALUATION_KEYS = ("riskFlags", "fraudSignals", "modelVersion", "evaluatedAt", "leadId")


def from_start_answer(data: Any) -> Flavour:
    if isinstance(data, dict):
        if "job_id" in data or "jobId" in data:
            return Flavour.JOB
        if "instance_id" in data or "instanceId" in data:
            return Flavour.WORKFLOW
    return Flavour.UNKNOWN


def from_run_id(run_id: str) -> Flavour:
    """Deployed workers name jobs ``job_...``; anything else is taken for a workflow instance."""
    return Flavour.JOB if run_id.startswith("job_") else Flavour.UNKNOWN


def from_leads_answer(body: Any) -> Flavour:
    """Only the project's worker pages: it always sends ``next_cursor`` (even null); deployed
    workers never do."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return Flavour.UNKNOWN
    return Flavour.WORKFLOW if "next_cursor" in body else Flavour.JOB


def from_evaluation(data: Any) -> Flavour:
    if not isinstance(data, dict):
        return Flavour.UNKNOWN
    if "workflow_instance_id" in data or "risk_flags" in data:
        return Flavour.WORKFLOW
    if any(k in data for k in _CAMEL_EVALUATION_KEYS):
        return Flavour.JOB
    return Flavour.UNKNOWN


def from_error(status: int, body: Any) -> Flavour:
    code = body.get("error") if isinstance(body, dict) else None
    if code in ("JobAlreadyPending", "AlreadyEvaluated", "JobNotFound"):
        return Flavour.JOB
    if code in ("AlreadyRunning", "DuplicateDocuments", "WorkflowNotFound"):
        return Flavour.WORKFLOW
    if code == "QuotaExceeded":
        return Flavour.JOB if status == 429 else Flavour.WORKFLOW
    return Flavour.UNKNOWN


class FlavourDetector:
    """Keeps the first conclusive observation; later contradicting ones are ignored."""

    def __init__(self, initial: Flavour = Flavour.UNKNOWN) -> None:
        self.flavour = initial

    def observe(self, seen: Flavour) -> Flavour:
        if self.flavour is Flavour.UNKNOWN and seen is not Flavour.UNKNOWN:
            self.flavour = seen
        return self.flavour

    @property
    def known(self) -> bool:
        return self.flavour is not Flavour.UNKNOWN
