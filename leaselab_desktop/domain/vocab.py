"""Status vocabularies of the ops API. Values outside them are kept as plain strings, never fatal.

What both runtimes must agree on (steps, lead statuses, the API vocabularies, quota tiers) comes from
the shared spec, ``resources/spec/workflow.json`` (see ``domain/spec.py``); the rest is this app's.
"""

from __future__ import annotations

from leaselab_desktop.domain.spec import load_spec

_SPEC = load_spec()

LEAD_STATUSES: tuple[str, ...] = _SPEC.status_names
EMPLOYMENT_STATUSES: tuple[str, ...] = _SPEC.employment_statuses
FILE_TYPES: tuple[str, ...] = _SPEC.file_types
LABELS: tuple[str, ...] = _SPEC.labels.current + _SPEC.labels.legacy  # D only appears in older data
RECOMMENDATIONS: tuple[str, ...] = _SPEC.recommendations
SEVERITIES: tuple[str, ...] = _SPEC.severities

# Cloudflare Workflows instance vocabulary.
RUN_STATUSES: tuple[str, ...] = (
    "queued", "running", "paused", "errored", "terminated", "complete", "waiting",
    "waitingForPause", "unknown",
)
FINISHED_RUN_STATUSES: frozenset[str] = frozenset({"errored", "terminated", "complete"})
STEP_STATUSES: tuple[str, ...] = ("pending", "running", "retrying", "complete", "errored")

# The seven steps both backends run, in order.
WORKFLOW_STEPS: tuple[str, ...] = _SPEC.step_names
STEP_TITLES: dict[str, str] = {s.name: s.title for s in _SPEC.workflow.steps}

TIERS: dict[str, int] = dict(_SPEC.thresholds.quota_tiers)

