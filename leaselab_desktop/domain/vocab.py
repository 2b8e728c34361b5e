"""Status vocabularies of the ops API. Values outside them are kept as plain strings, never fatal.

What both runtimes must agree on (steps, lead statuses, labels, severities, quota tiers) comes from
the shared spec, ``resources/spec/workflow.json`` (see ``domain/spec.py``); the rest is this app's.
"""

from __future__ import annotations

from leaselab_desktop.domain.spec import load_spec

_SPEC = load_spec()

LEAD_STATUSES: tuple[str, ...] = _SPEC.status_names
EMPLOYMENT_STATUSES: tuple[str, ...] = ("employed", "self_employed", "unemployed", "retired", "student")
FILE_TYPES: tuple[str, ...] = (
    "government_id", "paystub", "bank_statement", "tax_return", "employment_letter", "other",
)
LABELS: tuple[str, ...] = _SPEC.labels.current + _SPEC.labels.legacy  # D only appears in older data
RECOMMENDATIONS: tuple[str, ...] = (
    "approve", "approve_with_conditions", "approve_with_verification", "reject",
)
SEVERITIES: tuple[str, ...] = _SPEC.severities

# Cloudflare Workflows instance vocabulary.
RUN_STATUSES: tuple[str, ...] = (
    "queued", "running", "paused", "errored", "terminated", "complete", "waiting",
    "waitingForPause", "unknown",
)
FINISHED_RUN_STATUSES: frozenset[str] = frozenset({"errored", "terminated", "complete"})
STEP_STATUSES: tuple[str, ...] = ("pending", "running", "retrying", "complete", "errored")
JOB_STATUSES: tuple[str, ...] = ("pending", "processing", "completed", "failed")

# The seven steps both backends run, in order.
WORKFLOW_STEPS: tuple[str, ...] = _SPEC.step_names
STEP_TITLES: dict[str, str] = {s.name: s.title for s in _SPEC.workflow.steps}

TIERS: dict[str, int] = dict(_SPEC.thresholds.quota_tiers)

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
