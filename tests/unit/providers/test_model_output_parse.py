"""The defensive parser and the conservative merge."""

from __future__ import annotations

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.providers import ProviderOutputError
from leaselab_desktop.screening.providers.merge import merge_facts, merge_signals
from leaselab_desktop.screening.providers.parse import (
    find_json_object,
    parse_model_output,
    to_number,
)

GOOD = '{"facts": {"verified_monthly_income": 5200}, "signals": [], "summary": "Two stubs."}'


def test_plain_json() -> None:
    out = parse_model_output(GOOD)
    assert out.facts == {"verified_monthly_income": 5200.0}
    assert out.signals == [] and out.summary == "Two stubs." and out.notes == []


def test_code_fences_and_prose_around_json() -> None:
    fenced = f"Here you go:\n```json\n{GOOD}\n```\nLet me know if you need more."
    assert parse_model_output(fenced).facts == {"verified_monthly_income": 5200.0}
    prose = f"Sure! Based on the documents {GOOD} I hope this helps {{not json}}."
    assert parse_model_output(prose).summary == "Two stubs."
    bare_fence = f"```\n{GOOD}\n```"
    assert parse_model_output(bare_fence).facts["verified_monthly_income"] == 5200.0


def test_braces_inside_strings_and_trailing_commas() -> None:
    text = 'x {"facts": {"employment_months": 14,}, "summary": "a } b {", "signals": [],}'
    out = parse_model_output(text)
    assert out.facts == {"employment_months": 14.0}
    assert out.summary == "a } b {"


def test_an_already_decoded_object_is_accepted() -> None:
    assert parse_model_output({"facts": {"average_bank_balance": "3,100"}}).facts == {
        "average_bank_balance": 3100.0
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (4250, 4250.0), ("4,250", 4250.0), ("$4,250.00", 4250.0), ("CAD 4250", 4250.0),
        ("4250 /month", 4250.0), ("(120.50)", -120.5), ("-80", -80.0), (" 12 months", 12.0),
        ("about 4k", None), ("four thousand", None), (True, None), (None, None), ([1], None),
        (float("nan"), None), ("", None),
    ],
)
def test_numbers_from_text(raw: object, expected: float | None) -> None:
    assert to_number(raw) == expected


def test_wrong_types_are_read_or_dropped_with_a_note() -> None:
    out = parse_model_output(
        '{"facts": {"verified_monthly_income": "4,250", "employment_months": "a while",'
        ' "negative_balance_days": "2"}, "signals": []}'
    )
    assert out.facts == {"verified_monthly_income": 4250.0, "negative_balance_days": 2.0}
    assert any("employment_months" in n and "not a number" in n for n in out.notes)


def test_out_of_range_values_are_rejected_or_clamped() -> None:
    out = parse_model_output(
        '{"facts": {"verified_monthly_income": -300, "employment_months": 9000,'
        ' "application_fields_complete": 1.7, "public_assistance_monthly": 850}}'
    )
    assert out.facts == {"application_fields_complete": 1.0, "public_assistance_monthly": 850.0}
    assert any("verified_monthly_income" in n and "rejected" in n for n in out.notes)
    assert any("employment_months" in n and "rejected" in n for n in out.notes)
    assert any("clamped" in n for n in out.notes)


def test_signals_known_unknown_and_malformed() -> None:
    out = parse_model_output(
        '{"signals": ['
        '{"code": "paystub_arithmetic", "severity": "HIGH", "document": "s1.pdf", "evidence": "net"},'
        '{"code": "income_mismatch", "severity": "moderate"},'
        '{"code": "Looks Photoshopped!", "severity": "critical", "evidence": "fonts"},'
        '"name_mismatch",'
        '{"severity": "high"},'
        '42'
        ']}'
    )
    got = [(s.code, s.severity) for s in out.signals]
    assert got == [
        ("paystub_arithmetic", "medium"),  # a model cannot raise a high-severity signal
        ("income_mismatch", "medium"),
        ("model_flag:looks_photoshopped", "low"),  # unknown codes kept, low
        ("name_mismatch", "low"),
    ]
    assert out.signals[0].document == "s1.pdf" and out.signals[0].evidence == "net"
    assert any("without a code" in n for n in out.notes)
    assert any("not an object" in n for n in out.notes)


def test_missing_keys_give_empty_facts_not_inventions() -> None:
    out = parse_model_output('{"signals": []}')
    assert out.facts == {} and out.summary is None
    flat = parse_model_output('{"verified_monthly_income": 3000}')
    assert flat.facts == {"verified_monthly_income": 3000.0}


def test_a_model_score_is_ignored() -> None:
    out = parse_model_output('{"score": 97, "label": "A", "recommendation": "approve", "signals": []}')
    assert out.facts == {}
    assert any("ignored model-supplied score, label, recommendation" in n for n in out.notes)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "empty answer"),
        ("I cannot help with that request.", "no JSON object"),
        ("[1, 2, 3]", "no JSON object"),
        ('{"score": 91, "label": "A"}', "neither 'facts' nor 'signals'"),
        ("```json\n{\"facts\": {\"verified_monthly_income\": 5200\n```", "no JSON object"),
    ],
)
def test_unparseable_answers_fail_with_a_readable_reason(answer: str, reason: str) -> None:
    with pytest.raises(ProviderOutputError, match=reason):
        parse_model_output(answer)


def test_find_json_object_prefers_fenced_blocks() -> None:
    text = 'Example: {"a": 1}\n```json\n{"facts": {}}\n```'
    assert find_json_object(text) == {"facts": {}}


def test_merge_documents_win_and_model_fills_gaps_conservatively() -> None:
    base = ApplicantFacts(stated_monthly_income=4000, verified_monthly_income=3900,
                          employment_months=None, documents_present=["paystub"])
    out = parse_model_output(
        '{"facts": {"verified_monthly_income": 9000, "employment_months": 18,'
        ' "average_bank_balance": 2500, "negative_balance_days": 1}}'
    )
    merged, notes = merge_facts(base, out)
    assert merged.verified_monthly_income == 3900  # documents win
    assert merged.employment_months == 18  # a gap the documents left
    assert merged.average_bank_balance == 2500 and merged.negative_balance_days == 1
    assert merged.documents_present == ["paystub"]
    assert notes == []

    no_docs = ApplicantFacts(stated_monthly_income=4000, verified_monthly_income=None)
    merged, notes = merge_facts(no_docs, out)
    assert merged.verified_monthly_income == 4000  # never above what the applicant stated
    assert notes and "capped" in notes[0]

    # a forged document verifies nothing: the model that read it cannot verify its figures either
    merged, notes = merge_facts(no_docs, out, forged=True)
    assert merged.verified_monthly_income is None and merged.average_bank_balance is None
    assert merged.employment_months == 18 and "forged" in notes[0]


def test_merge_signals_keeps_document_signals_first_without_duplicates() -> None:
    doc_sig = Signal(code="name_mismatch", severity="high", document="s1.pdf")
    model = [Signal(code="name_mismatch", severity="medium", document="s1.pdf"),
             Signal(code="income_mismatch", severity="medium", document="s2.pdf")]
    merged = merge_signals([doc_sig], model)
    assert [(s.code, s.severity) for s in merged] == [
        ("name_mismatch", "high"), ("income_mismatch", "medium"),
    ]
