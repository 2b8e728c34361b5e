"""Rendering the extraction prompt from ``resources/prompts/``.

Only what the facts need goes to the model: no applicant name, contact details or free-text message.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.facts import DocumentSet
from leaselab_desktop.screening.policy import Policy
from leaselab_desktop.screening.providers.errors import ProviderConfigError
from leaselab_desktop.screening.providers.parse import MODEL_SIGNAL_CODES

TEXT_PER_DOCUMENT = 4_000
TEXT_TOTAL = 12_000
APPLICATION_KEYS = (
    "employment_status", "employer", "employment_start_date", "monthly_income", "monthly_rent",
    "move_in_date",
)


@lru_cache(maxsize=8)
def _template(folder: str, name: str) -> str:
    path = Path(folder) / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProviderConfigError(f"prompt template {path} cannot be read: {exc.strerror}") from None


def fill(template: str, values: dict[str, str]) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{{" + key + "}}", value)
    return out


def application_view(lead: Lead) -> dict[str, Any]:
    data = lead.canonical()
    return {k: data.get(k) for k in APPLICATION_KEYS}


def documents_view(docs: DocumentSet) -> list[dict[str, Any]]:
    budget = TEXT_TOTAL
    out: list[dict[str, Any]] = []
    for d in docs.documents:
        text = d.text[: min(TEXT_PER_DOCUMENT, budget)]
        budget -= len(text)
        out.append({
            "file": d.file_name,
            "kind": d.kind,
            "pages": d.pages,
            "error": d.error,
            "employer": d.employer,
            "employment_start": d.employment_start,
            "stated_annual_salary": d.stated_annual_salary,
            "pay_stub": d.pay_stub.model_dump(exclude_none=True) if d.pay_stub else None,
            "bank_statement": (
                d.bank_statement.model_dump(exclude={"transactions"}, exclude_none=True)
                if d.bank_statement else None
            ),
            "public_assistance_monthly": d.public_assistance_monthly,
            "text": text,
        })
    return out


def render_messages(
    lead: Lead, docs: DocumentSet, policy: Policy | None, folder: Path | None = None
) -> list[dict[str, str]]:
    base = str((folder or resources_dir() / "prompts").resolve())
    values = {
        "policy_version": policy.version if policy else "unknown",
        "application_json": json.dumps(application_view(lead), indent=1),
        "documents_json": json.dumps(documents_view(docs), indent=1, ensure_ascii=False),
        "known_signals_json": json.dumps(
            [{"code": s.code, "severity": s.severity, "document": s.document} for s in docs.signals]
        ),
        "signal_codes": json.dumps(sorted(MODEL_SIGNAL_CODES)),
    }
    return [
        {"role": "system", "content": _template(base, "extract_system.txt").strip()},
        {"role": "user", "content": fill(_template(base, "extract_user.txt"), values).strip()},
    ]
