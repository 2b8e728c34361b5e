"""The whole demo dataset through analysis and detection: every crafted case is flagged with the
right code and evidence; clean leads get no medium/high signal."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import doc_builders as b
import pytest

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals import build_document_set


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    gen = b.load_demo_module()
    out = tmp_path_factory.mktemp("demo")
    manifest = gen.generate_demo(out)
    raw = json.loads(manifest.demo_json.read_text(encoding="utf-8"))
    by_sha: dict[str, set[str]] = defaultdict(set)
    for lead in raw["leads"]:
        for d in lead["documents"]:
            by_sha[d["sha256"]].add(lead["id"])
    analyse_file("warm", "w.pdf", "other", out / raw["leads"][0]["documents"][0]["path"])  # lazy imports
    results: dict[str, tuple[list[DocumentFacts], list[Signal]]] = {}
    timings: list[float] = []
    cpu: list[float] = []
    for lead in raw["leads"]:
        t0, c0 = time.perf_counter(), time.process_time()
        facts = [analyse_file(f"{lead['id']}-{i}", d["file_name"], d["file_type"], out / d["path"])
                 for i, d in enumerate(lead["documents"])]
        reused = {f.sha256: sorted(by_sha[f.sha256] - {lead["id"]}) for f in facts}
        ds = build_document_set(Lead.model_validate(lead), facts, reused)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        results[lead["id"]] = (facts, ds.signals)
    timings.sort()
    cpu.sort()
    print(f"\nanalysed {len(timings)} demo leads: wall p50 {timings[len(timings) // 2]:.1f} ms, "
          f"max {timings[-1]:.1f} ms; CPU p50 {cpu[len(cpu) // 2]:.1f} ms, max {cpu[-1]:.1f} ms")
    return {"gen": gen, "manifest": manifest, "results": results}


def _sig(demo: dict[str, Any], lead_id: str, code: str) -> Signal:
    signals = demo["results"][lead_id][1]
    found = [s for s in signals if s.code == code]
    assert found, f"{lead_id}: no {code} in {[s.code for s in signals]}"
    return found[0]


def test_every_crafted_case_is_flagged_and_no_false_flags(demo: dict[str, Any]) -> None:
    figures = demo["gen"].detection_figures(
        demo["manifest"].cases, {k: v[1] for k, v in demo["results"].items()}
    )
    assert figures["fraud_cases_total"] >= 13
    assert figures["missed"] == []
    assert figures["fraud_cases_flagged"] == figures["fraud_cases_total"]
    assert figures["false_flags"] == [] and figures["clean_docs_false_flags"] == 0


def test_clean_leads_have_no_medium_or_high_signal(demo: dict[str, Any]) -> None:
    clean = demo["manifest"].clean_lead_ids
    assert len(clean) >= 4
    for lead_id in clean:
        facts, signals = demo["results"][lead_id]
        assert [s for s in signals if s.severity != "low"] == [], lead_id
        assert all(f.error is None for f in facts)


@pytest.mark.parametrize(
    ("lead_id", "code", "document", "evidence"),
    [
        ("lead_demo_05", "editing_software", "paystub_2026-10-23.pdf", 'Producer: "Adobe Photoshop 25.0'),
        ("lead_demo_05", "font_mismatch", "paystub_2026-10-23.pdf", "is set in times"),
        ("lead_demo_06", "date_mismatch", "bank_statement_2026-10.pdf", "modified 2026-11-14T21:14:00"),
        ("lead_demo_07", "incremental_revision", "paystub_2026-10-23.pdf", "Net Pay: $1,843.95 → $3,843.95"),
        ("lead_demo_07", "paystub_arithmetic", "paystub_2026-10-23.pdf", "off by $2,000.00"),
        ("lead_demo_08", "paystub_arithmetic", "paystub_2026-10-23.pdf", "off by $600.00"),
        ("lead_demo_09", "ytd_discontinuity", "paystub_2026-10-23.pdf", "difference $12,000.00"),
        ("lead_demo_10", "name_mismatch", "employment_letter.pdf", '"Rebecca Thompson"'),
        ("lead_demo_11", "income_mismatch", "paystub_2026-10-09.pdf, paystub_2026-10-23.pdf", "40 % higher"),
        ("lead_demo_12", "bank_balance_mismatch", "bank_statement_2026-10.pdf", "closing balance is $9,157.68"),
        ("lead_demo_13", "file_reused", "bank_statement_2026-10.pdf", "lead_demo_14"),
        ("lead_demo_14", "file_reused", "bank_statement_october.pdf", "lead_demo_13"),
        ("lead_demo_14", "name_mismatch", "bank_statement_october.pdf", '"Liam Tremblay"'),
        ("lead_demo_15", "implausible_income", None, "'student'"),
        ("lead_demo_17", "document_unreadable", "bank_statement_2026-10.pdf", "could not be read"),
        ("lead_demo_18", "document_mislabelled", "paystub_2026-10-23.pdf", "content is jpeg"),
    ],
)
def test_crafted_case_signal_and_evidence(
    demo: dict[str, Any], lead_id: str, code: str, document: str | None, evidence: str
) -> None:
    s = _sig(demo, lead_id, code)
    assert s.document == document
    assert evidence in s.evidence
    assert s.message


def test_public_assistance_and_incomes_read_from_demo(demo: dict[str, Any]) -> None:
    facts, _ = demo["results"]["lead_demo_04"]
    bank = next(f for f in facts if f.kind == "bank_statement")
    assert bank.public_assistance_monthly == 1408.0
    facts, _ = demo["results"]["lead_demo_01"]
    kinds = sorted(f.kind for f in facts)
    assert kinds == ["bank_statement", "employment_letter", "government_id", "paystub", "paystub"]
    assert all(f.monthly_income_estimate == pytest.approx(112000 / 12, abs=0.05)
               for f in facts if f.kind in ("paystub", "employment_letter"))


def test_lead_without_documents(demo: dict[str, Any]) -> None:
    facts, signals = demo["results"]["lead_demo_16"]
    assert facts == [] and signals == []


def test_results_stay_small_for_workflow_steps(demo: dict[str, Any], tmp_path: Path) -> None:
    for facts, _ in demo["results"].values():
        size = sum(len(f.model_dump_json()) for f in facts)
        assert size < 200_000
