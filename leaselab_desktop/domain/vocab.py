"""Status vocabularies of the ops API. Values outside them are kept as plain strings, never fatal."""

from __future__ import annotations

LEAD_STATUSES: tuple[str, ...] = (
    "new", "documents_pending", "documents_received", "ai_evaluating", "ai_evaluated",
    "screening", "approved", "rejected", "lease_sent", "lease_signed",
)
EMPLOYMENT_STATUSES: tuple[str, ...] = ("employed", "self_employed", "unemployed", "retired", "student")
FILE_TYPES: tuple[str, ...] = (
    "government_id", "paystub", "bank_statement", "tax_return", "employment_letter", "other",
)
LABELS: tuple[str, ...] = ("A", "B", "C", "D")  # D only appears in older data
RECOMMENDATIONS: tuple[str, ...] = (
    "approve", "approve_with_conditions", "approve_with_verification", "reject",
)
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")

# Cloudflare Workflows instance vocabulary.
RUN_STATUSES: tuple[str, ...] = (
    "queued", "running", "paused", "errored", "terminated", "complete", "waiting",
    "waitingForPause", "unknown",
)
FINISHED_RUN_STATUSES: frozenset[str] = frozenset({"errored", "terminated", "complete"})
STEP_STATUSES: tuple[str, ...] = ("pending", "running", "retrying", "complete", "errored")
JOB_STATUSES: tuple[str, ...] = ("pending", "processing", "completed", "failed")

# The seven steps both backends run, in order (DESIGN.md).
WORKFLOW_STEPS: tuple[str, ...] = (
    "fetch-lead", "load-documents", "call-workers-ai", "parse-ai-response",
    "save-evaluation", "update-lead", "send-email-notification",
)

TIERS: dict[str, int] = {"free": 20, "pro": 100, "enterprise": 1000}

_JOB_TO_RUN = {"pending": "queued", "processing": "running", "completed": "complete", "failed": "errored"}


def normalise_run_status(value: str | None) -> str:
    """Map synonyms servers send ('error', job statuses) onto the workflow vocabulary.

    Unknown values are returned unchanged so the UI can show them.
    """
    if value is None:
        return "unknown"
    if value == "error":
        return "errored"
    return _JOB_TO_RUN.get(value, value)


def label_for_score(score: int) -> str:
    """Label bands of DESIGN.md (the policy file carries the same bands)."""
    if score >= 80:
        return "A"
    if score >= 50:
        return "B"
    return "C"
