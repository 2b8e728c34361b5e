"""Leads and document sets for provider tests (shapes as the documents package produces them)."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.screening.facts import BankStatement, DocumentFacts, DocumentSet, PayStub


def lead(**kw: Any) -> Lead:
    base: dict[str, Any] = dict(
        id="lead-1", site_id="site-1", first_name="Maya", last_name="Chen", email="maya@example.com",
        phone="416-555-0100", current_address="12 King St W, Toronto", employment_status="employed",
        employer="Northwind Logistics", employment_start_date="2023-03-01T00:00:00Z", monthly_income=5200,
        monthly_rent=1850, move_in_date="2026-12-01T00:00:00Z", message="I love the neighbourhood!",
    )
    base.update(kw)
    return Lead.model_validate(base)


def doc(file_id: str, kind: str, **kw: Any) -> DocumentFacts:
    base: dict[str, Any] = dict(
        file_id=file_id, file_name=f"{file_id}.pdf", declared_type=kind, detected_format="pdf",
        kind=kind, sha256=file_id * 4, md5=file_id, size=1000, pages=1, text=f"{kind} text",
    )
    base.update(kw)
    return DocumentFacts.model_validate(base)


def stub(file_id: str, gross: float, freq: str = "biweekly", **kw: Any) -> DocumentFacts:
    pay = PayStub(pay_frequency=freq, gross=gross, deductions=round(gross * 0.25, 2),
                  net=round(gross * 0.75, 2), employer="Northwind Logistics")
    return doc(file_id, "paystub", pay_stub=pay, employer="Northwind Logistics", **kw)


def bank(file_id: str, balances: list[float], assistance: float | None = None,
         recurring: float | None = None) -> DocumentFacts:
    tx = [(f"tx {i}", 10.0, b) for i, b in enumerate(balances)]
    st = BankStatement(opening_balance=balances[0], closing_balance=balances[-1], transactions=tx,
                       recurring_income_monthly=recurring)
    return doc(file_id, "bank_statement", bank_statement=st, public_assistance_monthly=assistance)


def letter(file_id: str, salary: float | None, start: str | None) -> DocumentFacts:
    return doc(file_id, "employment_letter", stated_annual_salary=salary, employment_start=start,
               employer="Northwind Logistics")


def full_set(signals: list[Signal] | None = None) -> DocumentSet:
    return DocumentSet(
        documents=[
            stub("s1", 2400.0), stub("s2", 2400.0),
            bank("b1", [4100.0, 3900.0, 4200.0, 3800.0]),
            letter("l1", 62400.0, "2022-06-01"),
            doc("id1", "government_id", detected_format="jpeg", file_name="id.jpg", text=""),
        ],
        signals=signals or [],
        fingerprint="f" * 64,
    )
