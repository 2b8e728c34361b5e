"""Pydantic models shared by every layer.

One shape: snake_case field names, ISO-8601 UTC timestamps on output (``model_dump(mode="json")``).
Servers' spellings (camelCase leads and jobs, ``instance_id``/``job_id``, synonyms) are mapped to it at
the edge, one module per API flavour (``backends/cloudflare/workflow_wire.py``, ``job_wire.py``).
Unknown vocabulary values are kept as strings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leaselab_desktop.domain.timefmt import Timestamp
from leaselab_desktop.domain.vocab import FINISHED_RUN_STATUSES


class Model(BaseModel):
    """Extra keys are ignored, not fatal (older cached records, newer servers)."""

    model_config = ConfigDict(extra="ignore", frozen=False)

    def canonical(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=False)


class Lead(Model):
    id: str
    site_id: str | None = None
    property_id: str | None = None
    unit_id: str | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str | None = None
    current_address: str | None = None
    employment_status: str | None = None
    employer: str | None = None
    employment_start_date: Timestamp | None = None
    monthly_income: float | None = None
    monthly_rent: float | None = None
    move_in_date: Timestamp | None = None
    message: str | None = None
    status: str = "new"
    ai_score: int | None = None
    ai_label: str | None = None
    # the final decision of the latest evaluation: its recommendation, or the latest override's
    # (``ai_overridden``); None when unknown (never evaluated, or a server that does not send it)
    ai_recommendation: str | None = None
    ai_overridden: bool = False
    landlord_note: str | None = None
    is_active: bool = True
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    is_unit_occupied: bool = False
    property_name: str | None = None
    unit_name: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def rent_to_income(self) -> float | None:
        if not self.monthly_income or not self.monthly_rent:
            return None
        return self.monthly_rent / self.monthly_income


class LeadFile(Model):
    id: str
    lead_id: str
    file_type: str = "other"
    file_name: str
    file_size: int = 0
    mime_type: str | None = None
    r2_key: str | None = None
    uploaded_at: Timestamp | None = None
    sha256: str | None = None
    md5: str | None = None
    signed_url: str | None = None
    expires_at: Timestamp | None = None


class Factor(Model):
    code: str
    points: float
    max_points: float
    explanation: str = ""
    source: str | None = None  # the document or application field the factor rests on
    standard: str | None = None  # what would have earned full points


class Signal(Model):
    code: str
    severity: str = "low"
    document: str | None = None
    evidence: str = ""
    message: str = ""


def _flag_list(value: Any) -> list[str]:
    """risk_flags / fraud_signals arrive as strings, objects or JSON text; keep readable strings."""
    if value is None:
        return []
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if not isinstance(value, list):
        value = [value]
    out: list[str] = []
    for item in value:
        if isinstance(item, dict):
            out.append(str(item.get("code") or item.get("name") or item.get("message") or item))
        elif item is not None:
            out.append(str(item))
    return out


class Evaluation(Model):
    evaluation_id: str
    lead_id: str | None = None
    score: int = Field(ge=0, le=100)
    label: str
    recommendation: str = "approve_with_verification"
    summary: str = ""
    risk_flags: list[str] = Field(default_factory=list)
    fraud_signals: list[str] = Field(default_factory=list)
    factors: list[Factor] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    what_would_change: list[str] = Field(default_factory=list)
    compliance_notes: list[str] = Field(default_factory=list)
    policy_version: str | None = None
    model_version: str | None = None
    provider: str | None = None
    document_fingerprint: str | None = None
    workflow_instance_id: str | None = None
    evaluated_at: Timestamp | None = None

    _lists = field_validator("risk_flags", "fraud_signals", mode="before")(_flag_list)

    @property
    def profile_title(self) -> str | None:
        """The policy profile that scored it ("Ontario"), read from the first compliance note, which
        both runtimes write as "Scored with the <title> profile …" (no extra column or API field)."""
        for note in self.compliance_notes[:1]:
            if note.startswith("Scored with the ") and " profile" in note:
                return note[len("Scored with the "):note.index(" profile")] or None
        return None

    @property
    def policy_line(self) -> str:
        """"Policy 2026.11.1 · Ontario profile", as the card and the report name it."""
        text = f"Policy {self.policy_version or '—'}"
        return f"{text} · {self.profile_title} profile" if self.profile_title else text

    @field_validator("what_would_change", "compliance_notes", mode="before")
    @classmethod
    def _text_list(cls, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value]

    @field_validator("factors", "signals", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            import json

            return json.loads(value) if value else []
        return value or []


class Override(Model):
    id: str
    evaluation_id: str
    lead_id: str | None = None
    from_recommendation: str | None = None
    to_recommendation: str
    reason: str
    user_id: str | None = None
    created_at: Timestamp | None = None


class Usage(Model):
    month: str
    evaluation_count: int = 0
    quota_limit: int = 20
    tier: str | None = None
    remaining: int | None = None
    percentage: float | None = None
    reset_date: str | None = None
    # Runs this month that did not count (free providers), named in plain words; whether the provider
    # in use counts (None: the backend does not say) and the rule, for the meter and the Force dialog.
    free_count: int = 0
    free_providers: list[str] = Field(default_factory=list)
    current_provider: str | None = None
    current_counts: bool | None = None
    counting_rule: str | None = None

    def model_post_init(self, _context: Any) -> None:
        if self.remaining is None:
            self.remaining = max(self.quota_limit - self.evaluation_count, 0)
        elif self.evaluation_count == 0 and self.remaining < self.quota_limit:
            self.evaluation_count = self.quota_limit - self.remaining
        if self.percentage is None:
            self.percentage = (
                round(100.0 * self.evaluation_count / self.quota_limit, 1) if self.quota_limit else 100.0
            )

    @property
    def level(self) -> Literal["ok", "warning", "blocked"]:
        """Quota meter state: warning at 80 %, blocked at 100 %."""
        used = self.evaluation_count / self.quota_limit if self.quota_limit else 1.0
        if used >= 1.0:
            return "blocked"
        return "warning" if used >= 0.8 else "ok"


class StepProgress(Model):
    name: str
    status: str = "pending"
    attempts: int = 0
    started_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    error: str | None = None

    @property
    def duration_ms(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() * 1000


class RunError(Model):
    name: str = "Error"
    message: str = ""


class RunSnapshot(Model):
    """One look at a run: a workflow instance (project worker, local engine) or a job (deployed worker)."""

    run_id: str
    lead_id: str | None = None
    status: str = "unknown"
    current_step: str | None = None
    steps: list[StepProgress] = Field(default_factory=list)
    queued_at: Timestamp | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    output: Evaluation | None = None
    error: RunError | None = None
    can_retry: bool = False
    can_terminate: bool = True  # while it runs; a deployed worker's scheduled jobs cannot be stopped
    progress_message: str | None = None
    # cut short when the process running it ended; resumes where someone follows it (local engine)
    interrupted: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_RUN_STATUSES


class RunTicket(Model):
    run_id: str
    lead_id: str
    status: str = "queued"
    requested_at: Timestamp | None = None
    usage: Usage | None = None


class LeadQuery(Model):
    q: str | None = None
    status: str | None = None
    property_id: str | None = None
    label: str | None = None
    sort_by: Literal["aiScore", "updatedAt", "createdAt", "name"] = "aiScore"
    sort_order: Literal["asc", "desc"] = "desc"
    # The project worker caps pages at 500; the local backend serves larger pages (100k-lead lists).
    limit: int = Field(default=500, ge=1, le=200_000)
    cursor: str | None = None


class LeadPage(Model):
    items: list[Lead]
    next_cursor: str | None = None
    # what the agent should know about this list (a server that caps or cannot sort it)
    notice: str | None = None
    capped: bool = False  # the server sent its most and cannot page: filter on the server to see others


class Property(Model):
    id: str
    site_id: str | None = None
    name: str
    address: str | None = None
    city: str | None = None


class Unit(Model):
    id: str
    property_id: str
    name: str
    monthly_rent: float | None = None
    bedrooms: int | None = None


class Health(Model):
    state: Literal["online", "offline", "degraded"]
    last_contact: Timestamp | None = None
    detail: str = ""


class NewLead(Model):
    """What an agent types at intake; the store assigns the id and timestamps."""

    property_id: str
    unit_id: str | None = None
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    current_address: str | None = None
    employment_status: str | None = None
    employer: str | None = None
    employment_start_date: Timestamp | None = None
    monthly_income: float | None = None
    move_in_date: Timestamp | None = None
    message: str | None = None
