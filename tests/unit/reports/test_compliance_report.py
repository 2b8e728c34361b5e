"""The compliance report PDF: real reportlab output read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaselab_desktop.domain.models import Evaluation, Factor, Lead, Override, Signal
from leaselab_desktop.reports.compliance import build_compliance_report, write_compliance_report

WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _lead() -> Lead:
    return Lead(id="lead_9", first_name="Zoë", last_name="Okafor", email="zoe@example.com",
                phone="+1 416 555 0199", employment_status="employed", employer="Northwind Traders",
                monthly_income=5200, monthly_rent=1850, property_name="Maple Court", unit_name="1A")


def _evaluation(**kw: object) -> Evaluation:
    data: dict[str, object] = dict(
        evaluation_id="ev_77", lead_id="lead_9", score=64, label="B",
        recommendation="approve_with_verification", summary="Income verified; short tenure.",
        risk_flags=["short_tenure"], fraud_signals=["pdf_modified_after_creation"],
        factors=[
            Factor(code="income_verification", points=24, max_points=30,
                   explanation="Income matches pay stubs", source="paystub.pdf",
                   standard="Income ≥ 3× rent verified by two documents"),
            Factor(code="employment_stability", points=10, max_points=20,
                   explanation="Employed 7 months", standard="12 months with the same employer"),
        ],
        signals=[Signal(code="pdf_modified_after_creation", severity="high", document="paystub.pdf",
                        evidence="ModDate 40 days after CreationDate → edited")],
        what_would_change=["An employer letter confirming permanent employment"],
        compliance_notes=["Rent-to-income was not used as a sole criterion."],
        policy_version="2026.11-default", model_version="rules-1", provider="rules",
        evaluated_at=WHEN,
    )
    data.update(kw)
    return Evaluation.model_validate(data)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def test_report_contains_every_required_part() -> None:
    ov = Override(id="ov1", evaluation_id="ev_77", from_recommendation="approve_with_verification",
                  to_recommendation="approve", reason="Guarantor letter received",
                  user_id="agent@leaselab.local", created_at=WHEN)
    pdf = build_compliance_report(_lead(), _evaluation(), [ov], generated_at=WHEN,
                                  generated_by="agent@leaselab.local")
    assert pdf.startswith(b"%PDF-")
    text = " ".join(_text(pdf).split())
    for needle in (
        "Tenant screening compliance report", "Zoë Okafor", "zoe@example.com", "$5,200.00", "36%",
        "Northwind Traders", "Income verification", "24 / 30", "Income ≥ 3× rent",
        "paystub.pdf", "Employment stability", "Total", "34 / 50",
        "Pdf modified after creation", "High", "ModDate 40 days after CreationDate -> edited",
        "Guarantor letter received", "Approve with verification -> Approve",
        "2026.11-default", "the built-in rules (model rules-1)", "64 / 100", "label B",
        "An employer letter confirming permanent employment",
        "Rent-to-income was not used as a sole criterion.",
        "No protected characteristic was used in this evaluation.",
    ):
        assert needle in text, needle


def test_report_without_overrides_or_factors_says_so() -> None:
    text = " ".join(_text(build_compliance_report(_lead(), _evaluation(factors=[], signals=[]))).split())
    assert "No manual override was recorded." in text
    assert "no factor breakdown" in text
    assert "No signals were raised." in text
    assert "No protected characteristic was used" in text


def test_report_escapes_markup_in_free_text() -> None:
    ev = _evaluation(summary="<b>not bold</b> & <script>", what_would_change=["a < b"])
    text = _text(build_compliance_report(_lead(), ev))
    assert "<b>not bold</b> & <script>" in text
    assert "a < b" in text


def test_report_refuses_an_evaluation_of_another_lead() -> None:
    with pytest.raises(ValueError, match="belongs to lead other"):
        build_compliance_report(_lead(), _evaluation(lead_id="other"))


def test_write_is_atomic_and_adds_pdf_suffix(tmp_path: Path) -> None:
    out = write_compliance_report(tmp_path / "report", _lead(), _evaluation())
    assert out == tmp_path / "report.pdf"
    assert len(PdfReader(out).pages) >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_write_to_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_compliance_report(tmp_path / "nope" / "r.pdf", _lead(), _evaluation())


def test_reports_package_never_imports_qt() -> None:
    import subprocess
    import sys

    code = ("import sys, leaselab_desktop.reports.compliance as c; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'shiboken', 'qasync'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_parallel_exports_in_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda i: write_compliance_report(tmp_path / f"r{i}.pdf", _lead(), _evaluation()),
                             range(4)))
    assert all(len(PdfReader(o).pages) >= 1 for o in outs)
