"""The Python side agrees with the shared spec (resources/spec/workflow.json): the workflow runs its
steps with its configs, every signal the code can emit and every lead status it writes is in it.
The worker's test/spec.test.ts checks the TypeScript side against the same file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.engine import StepConfig, WorkflowEvent
from leaselab_desktop.screening.facts import ApplicantFacts, DocumentSet, Extraction, ScoreResult
from leaselab_desktop.screening.policy import load_policy
from leaselab_desktop.screening.providers.parse import MODEL_MAX_SEVERITY, MODEL_SIGNAL_CODES
from leaselab_desktop.screening.scoring import score
from leaselab_desktop.screening.signals import SIGNAL_CODES
from leaselab_desktop.screening.workflow import EvaluationRequest, EvaluationWorkflow
from tests.unit.spec.emitted import emitted_signals, written_lead_statuses

SPEC = load_spec()


class _RecordingStep:
    """Runs each step once, recording its name and config."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, StepConfig]] = []

    async def do(self, name: str, fn: Any, config: StepConfig) -> Any:
        self.ran.append((name, config))
        return await fn()


class _Ports:
    async def load_lead(self, site_id: str, lead_id: str) -> Lead | None:
        return Lead(id=lead_id, site_id=site_id, first_name="Ada", last_name="Lovelace")

    async def load_files(self, site_id: str, lead_id: str) -> list[tuple[LeadFile, Path]]:
        return []

    async def reused_hashes(self, site_id: str, lead_id: str, hashes: list[str]) -> dict[str, list[str]]:
        return {}

    async def analyse_documents(self, lead: Lead, files: Any, reused: Any) -> DocumentSet:
        return DocumentSet()

    async def extract(self, provider: str, lead: Lead, docs: DocumentSet) -> Extraction:
        return Extraction(facts=ApplicantFacts(), provider="rules", model_version="test")

    def score(self, extraction: Extraction, profile: str) -> ScoreResult:
        return score(extraction.facts, extraction.signals, load_policy(), profile)

    async def save_evaluation(self, *args: Any) -> None:
        return None

    async def update_lead(self, site_id: str, lead_id: str, evaluation: Evaluation) -> None:
        return None

    async def notify(self, site_id: str, lead_id: str, evaluation: Evaluation) -> str:
        return "none"

    async def run_finished(self, *args: Any) -> None:
        return None

    def now(self) -> datetime:
        return datetime(2026, 11, 1, tzinfo=UTC)


async def test_the_workflow_runs_exactly_the_spec_steps_with_their_configs() -> None:
    step = _RecordingStep()
    event = WorkflowEvent(payload=EvaluationRequest("site_1", "lead_1").payload(),
                          timestamp=datetime(2026, 11, 1, tzinfo=UTC), instance_id="wf_1")
    await EvaluationWorkflow(_Ports()).run(event, step)  # type: ignore[arg-type]
    assert [name for name, _ in step.ran] == list(SPEC.step_names)
    for name, config in step.ran:
        want = SPEC.step(name)
        assert config.retries is not None, name
        got = (config.retries.limit, round(config.retries.delay * 1000), config.retries.backoff,
               round(float(config.timeout or 0) * 1000))
        assert got == (want.retries.limit, want.retries.delay_ms, want.retries.backoff, want.timeout_ms), name


def test_every_signal_the_detectors_emit_is_in_the_spec_with_its_severity() -> None:
    found = emitted_signals()
    assert len({e.code for e in found}) >= 15, "the scanner stopped finding the detectors' signals"
    wrong = [e for e in found if e.code not in SPEC.signals
             or not e.severities <= set(SPEC.signals[e.code].severities)]
    assert not wrong, f"signals missing from resources/spec/workflow.json (or with another severity): {wrong}"
    assert set(SIGNAL_CODES) <= set(SPEC.signals)


def test_the_model_is_offered_the_spec_codes_and_capped_at_its_severity() -> None:
    assert SPEC.model_signal_codes == MODEL_SIGNAL_CODES
    assert SPEC.model_max_severity == MODEL_MAX_SEVERITY


def test_the_policy_agrees_with_the_spec_on_labels_and_readability() -> None:
    policy = load_policy()
    assert tuple(b.label for b in policy.labels) == SPEC.labels.current
    assert set(policy.readability_codes) == {c for c, s in SPEC.signals.items() if s.readability}


def test_every_lead_status_the_code_writes_is_in_the_spec() -> None:
    written = written_lead_statuses()
    assert written, "the scanner stopped finding lead status writes"
    unknown = [(s, where) for s, where in written if s not in SPEC.status_names]
    assert not unknown, f"lead statuses missing from resources/spec/workflow.json: {unknown}"
