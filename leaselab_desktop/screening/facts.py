"""The facts that flow through the screening pipeline.

documents → ``DocumentFacts`` (per file: hashes, text, metadata, parsed figures, read errors)
          → ``DocumentSet`` (all files of a lead + byte/content-level signals + fingerprint)
provider  → ``Extraction`` (``ApplicantFacts`` + signals + summary) from the lead and the DocumentSet
policy    → ``ScoreResult`` (factors, score, label, recommendation, what_would_change, compliance notes)

All are JSON-serialisable (they are workflow step results) and never carry document bytes.
Protected characteristics (age, race, religion, family status, disability, sex, origin, …) are never
fields here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from leaselab_desktop.domain.models import Factor, Signal


class PayStub(BaseModel):
    pay_date: str | None = None  # ISO date
    period_start: str | None = None
    period_end: str | None = None
    pay_frequency: str | None = None  # weekly | biweekly | semimonthly | monthly
    gross: float | None = None
    deductions: float | None = None
    net: float | None = None
    ytd_gross: float | None = None
    employer: str | None = None


class Withholding(BaseModel):
    """A statutory contribution line a pay stub prints (CPP, QPP, EI, Social Security, Medicare…)."""

    kind: str  # cpp | cpp2 | qpp | qpp2 | ei | qpip | social_security | medicare | medicare_additional
    label: str  # as printed
    amount: float  # this period
    ytd: float | None = None
    confidence: float = 1.0  # 1.0 for a PDF text layer; the lower OCR score of label and amount


class FactSource(BaseModel):
    """Where a fact was read: page (0-based), box (x0, top, x1, bottom in the page's unit) and the
    reader's confidence (1.0 for a PDF text layer; the OCR score otherwise)."""

    page: int
    box: tuple[float, float, float, float]
    confidence: float = 1.0
    how: str = ""  # same cell | cell to the right | below | under column header | table row


class BankStatement(BaseModel):
    opening_balance: float | None = None
    closing_balance: float | None = None
    total_deposits: float | None = None
    total_withdrawals: float | None = None
    # (description, amount, running balance) as printed
    transactions: list[tuple[str, float, float | None]] = Field(default_factory=list)
    recurring_income_monthly: float | None = None
    period_start: str | None = None  # ISO date
    period_end: str | None = None
    # pages that do not continue the one before ("page 2 starts from 9,999.00, but …")
    continuity_breaks: list[str] = Field(default_factory=list)


class DocumentFacts(BaseModel):
    file_id: str
    file_name: str
    declared_type: str = "other"  # the lead_files.file_type the agent chose
    detected_format: str = "unknown"  # pdf | jpeg | png | gif | tiff | webp | text | unknown (from magic bytes)
    # from content: paystub | bank_statement | employment_letter | government_id | tax_return | other
    kind: str = "other"
    sha256: str
    md5: str
    size: int
    pages: int | None = None
    text: str = ""  # extracted text, capped (see documents limits)
    # producer, creator, creation_date, mod_date, exif_software, …
    metadata: dict[str, str] = Field(default_factory=dict)
    revisions: int = 1  # PDF incremental-update revisions (startxref chain length)
    error: str | None = None  # corrupt | encrypted | empty | oversized | too_many_pages | mislabelled | unsupported
    error_message: str | None = None
    name_on_document: str | None = None
    employer: str | None = None
    stated_annual_salary: float | None = None  # employment letter
    employment_start: str | None = None  # employment letter, ISO date
    pay_stub: PayStub | None = None
    withholdings: list[Withholding] = Field(default_factory=list)  # pay stub, layout reading only
    bank_statement: BankStatement | None = None
    monthly_income_estimate: float | None = None  # what this document alone supports
    public_assistance_monthly: float | None = None  # e.g. Ontario Works / ODSP deposits
    # fact name ("gross", "net", "closing_balance", …) -> where it was read (layout reading only)
    fact_sources: dict[str, FactSource] = Field(default_factory=dict)
    low_confidence_facts: list[str] = Field(default_factory=list)  # read, but below the OCR bar
    # values an earlier PDF revision printed where this one differs ("gross" -> 2100.0)
    original_values: dict[str, float | str] = Field(default_factory=dict)


class DocumentSet(BaseModel):
    documents: list[DocumentFacts] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    fingerprint: str = ""  # sha256 over the sorted file sha256s; '' when there are no files

    @property
    def hashes(self) -> list[str]:
        return sorted(d.sha256 for d in self.documents)


class ApplicantFacts(BaseModel):
    """What the policy scores. Built by a provider from the application and the documents."""

    stated_monthly_income: float | None = None
    verified_monthly_income: float | None = None  # from documents
    public_assistance_monthly: float | None = None
    monthly_rent: float | None = None
    employment_status: str | None = None
    employment_months: float | None = None  # tenure at current employer
    employer_verified: bool = False
    documents_present: list[str] = Field(default_factory=list)  # kinds found (paystub, bank_statement, …)
    documents_unreadable: int = 0
    average_bank_balance: float | None = None
    negative_balance_days: int | None = None
    application_fields_complete: float = 0.0  # 0..1 share of required application fields filled
    # why documents did not verify ("Could not read the gross pay on paystub_march.pdf.");
    # shown with the income factor, never scored
    verification_notes: list[str] = Field(default_factory=list)


class Extraction(BaseModel):
    facts: ApplicantFacts
    signals: list[Signal] = Field(default_factory=list)
    summary: str | None = None
    provider: str
    model_version: str


class ScoreResult(BaseModel):
    score: int
    label: str
    recommendation: str
    factors: list[Factor]
    what_would_change: list[str]
    compliance_notes: list[str]
    summary: str
    risk_flags: list[str]
    fraud_signals: list[str]
    policy_version: str
