"""The evaluation workflow: the seven steps of the shared spec on the durable engine.

Step names and their retry/timeout configs come from ``resources/spec/workflow.json`` (each with
the reason for its numbers), the same file the worker's Workflow reads, so both runtimes retry
alike and the progress view is identical.

Steps return references and extracted facts, never document bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile
from leaselab_desktop.domain.run_ids import evaluation_id_for
from leaselab_desktop.domain.spec import StepSpec, load_spec
from leaselab_desktop.domain.timefmt import format_timestamp
from leaselab_desktop.engine import (
    NonRetryableError,
    Retries,
    StepConfig,
    WorkflowEntrypoint,
    WorkflowEvent,
    WorkflowStep,
)
from leaselab_desktop.screening.facts import DocumentSet, Extraction, ScoreResult
from leaselab_desktop.screening.policy import Policy, load_policy
from leaselab_desktop.screening.scoring import score

WORKFLOW_NAME = load_spec().workflow.name
TEXT_CAP_PER_DOCUMENT = 20_000  # step results stay far below 1 MiB


def _step_config(step: StepSpec) -> StepConfig:
    r = step.retries
    return StepConfig(retries=Retries(limit=r.limit, delay=r.delay_ms / 1000, backoff=r.backoff),
                      timeout=step.timeout_ms / 1000)


STEP_CONFIGS: dict[str, StepConfig] = {s.name: _step_config(s) for s in load_spec().workflow.steps}


class ScreeningPorts(Protocol):
    """What the workflow needs from its host (the local backend implements it over the store)."""

    async def load_lead(self, site_id: str, lead_id: str) -> Lead | None: ...
    async def load_files(self, site_id: str, lead_id: str) -> list[tuple[LeadFile, Path]]: ...
    async def reused_hashes(self, site_id: str, lead_id: str, hashes: list[str]) -> dict[str, list[str]]: ...
    async def analyse_documents(
        self, lead: Lead, files: list[tuple[LeadFile, Path]], reused: dict[str, list[str]]
    ) -> DocumentSet: ...
    async def extract(self, provider: str, lead: Lead, docs: DocumentSet) -> Extraction: ...
    async def save_evaluation(self, site_id: str, evaluation: Evaluation, facts: dict[str, Any],
                              file_hashes: list[str], forced_reason: str | None, requested_by: str | None) -> None: ...
    async def update_lead(self, site_id: str, lead_id: str, evaluation: Evaluation) -> None: ...
    async def notify(self, site_id: str, lead_id: str, evaluation: Evaluation) -> str: ...
    async def run_finished(self, instance_id: str, site_id: str, lead_id: str, step: str | None,
                           error: BaseException | None) -> None: ...
    def now(self) -> datetime: ...
    # The documents' text passes through the engine's step records: sealed there when the host
    # encrypts at rest (identity otherwise); ``open_text`` also reads text stored before.
    def seal_text(self, text: str) -> str: ...
    def open_text(self, text: str) -> str: ...


class FatalStepError(Exception):
    """Raised by ports for failures a retry cannot fix (bad model output, bad configuration)."""


@dataclass(frozen=True)
class EvaluationRequest:
    site_id: str
    lead_id: str
    requested_by: str | None = None
    force_reason: str | None = None
    provider: str = "rules"
    # None: the profile follows the property's province/state (``region``); a name overrides it.
    policy_profile: str | None = None
    region: str | None = None

    def payload(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _cap_text(docs: DocumentSet) -> DocumentSet:
    for d in docs.documents:
        if len(d.text) > TEXT_CAP_PER_DOCUMENT:
            d.text = d.text[:TEXT_CAP_PER_DOCUMENT]
    return docs


class _TrackedStep:
    """Remembers which step is running, so a failure is recorded against it."""

    def __init__(self, step: WorkflowStep) -> None:
        self._step = step
        self.current: str | None = None

    async def do(self, name: str, fn: Any, config: StepConfig) -> Any:
        self.current = name
        return await self._step.do(name, fn, config=config)


def _evaluation(instance_id: str, req: EvaluationRequest, result: ScoreResult, extraction: Extraction,
                docs: DocumentSet, now: datetime) -> Evaluation:
    """The evaluation the parse step stores: the policy's score and reasons, the provider's reading."""
    return Evaluation(
        evaluation_id=evaluation_id_for(instance_id),
        lead_id=req.lead_id,
        score=result.score,
        label=result.label,
        recommendation=result.recommendation,
        # the policy's verdict first, then what the provider read from the documents
        summary=" ".join(x for x in (result.summary, extraction.summary) if x),
        risk_flags=result.risk_flags,
        fraud_signals=result.fraud_signals,
        factors=result.factors,
        signals=extraction.signals,
        what_would_change=result.what_would_change,
        compliance_notes=result.compliance_notes,
        policy_version=result.policy_version,
        model_version=extraction.model_version,
        provider=extraction.provider,
        document_fingerprint=docs.fingerprint,
        workflow_instance_id=instance_id,
        evaluated_at=now,
    )


class EvaluationWorkflow(WorkflowEntrypoint):
    def __init__(self, ports: ScreeningPorts, policy: Policy | None = None) -> None:
        self.ports = ports  # I/O only; scoring is pure and runs here
        self.policy = policy or load_policy()

    async def run(self, event: WorkflowEvent, step: WorkflowStep) -> Any:
        req = EvaluationRequest(**event.payload)
        tracked = _TrackedStep(step)
        try:
            result = await self._run(event, tracked, req)
        except Exception as exc:
            # Recorded before the instance reports `errored`, so a watcher never sees it unrecorded.
            await self.ports.run_finished(event.instance_id, req.site_id, req.lead_id, tracked.current, exc)
            raise
        await self.ports.run_finished(event.instance_id, req.site_id, req.lead_id, None, None)
        return result

    async def _run(self, event: WorkflowEvent, step: Any, req: EvaluationRequest) -> Any:
        ports = self.ports

        async def fetch_lead() -> dict[str, Any]:
            lead = await ports.load_lead(req.site_id, req.lead_id)
            if lead is None:
                raise NonRetryableError(f"Lead {req.lead_id} no longer exists in this site")
            return lead.canonical()

        lead = Lead.model_validate(await step.do("fetch-lead", fetch_lead, config=STEP_CONFIGS["fetch-lead"]))

        async def load_documents() -> dict[str, Any]:
            files = await ports.load_files(req.site_id, req.lead_id)
            hashes = [f.sha256 for f, _ in files if f.sha256]
            reused = await ports.reused_hashes(req.site_id, req.lead_id, hashes)
            docs = _cap_text(await ports.analyse_documents(lead, files, reused))
            for d in docs.documents:
                d.text = ports.seal_text(d.text)
            return docs.model_dump(mode="json")

        docs = DocumentSet.model_validate(
            await step.do("load-documents", load_documents, config=STEP_CONFIGS["load-documents"])
        )
        for d in docs.documents:
            d.text = ports.open_text(d.text)

        async def call_ai() -> dict[str, Any]:
            try:
                extraction = await ports.extract(req.provider, lead, docs)
            except FatalStepError as exc:
                raise NonRetryableError(str(exc)) from exc
            return extraction.model_dump(mode="json")

        raw = await step.do("call-workers-ai", call_ai, config=STEP_CONFIGS["call-workers-ai"])

        async def parse() -> dict[str, Any]:
            try:
                extraction = Extraction.model_validate(raw)
            except ValueError as exc:
                raise NonRetryableError(f"The AI answer does not fit the evaluation schema: {exc}") from exc
            profile = req.policy_profile
            if profile not in self.policy.profiles:
                profile = self.policy.profile_for_region(req.region)
            result = score(extraction.facts, extraction.signals, self.policy, profile)
            evaluation = _evaluation(event.instance_id, req, result, extraction, docs, ports.now())
            return {"evaluation": evaluation.canonical(), "facts": extraction.facts.model_dump(mode="json")}

        parsed = await step.do("parse-ai-response", parse, config=STEP_CONFIGS["parse-ai-response"])
        evaluation = Evaluation.model_validate(parsed["evaluation"])

        async def save() -> dict[str, Any]:
            await ports.save_evaluation(req.site_id, evaluation, parsed["facts"], docs.hashes,
                                        req.force_reason, req.requested_by)
            return {"evaluation_id": evaluation.evaluation_id}

        await step.do("save-evaluation", save, config=STEP_CONFIGS["save-evaluation"])

        async def update() -> dict[str, Any]:
            await ports.update_lead(req.site_id, req.lead_id, evaluation)
            return {"lead_id": req.lead_id, "ai_score": evaluation.score, "ai_label": evaluation.label}

        await step.do("update-lead", update, config=STEP_CONFIGS["update-lead"])

        async def notify() -> dict[str, Any]:
            return {"channel": await ports.notify(req.site_id, req.lead_id, evaluation),
                    "at": format_timestamp(ports.now())}

        await step.do("send-email-notification", notify, config=STEP_CONFIGS["send-email-notification"])
        return evaluation.canonical()
