"""The held-out corpus (tests/heldout/: documents from tools the reading was never tuned on) and its
ground truth agree, and every born-digital file reads as its ground truth says, field by field.
The scans (OCR, seconds a page) are left to bench/documents.py --corpus tests/heldout."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals import SIGNAL_CODES
from tests.unit.corpus.corpus_schema import DIGITAL_TOOLS, FAMILIES, MAGIC

HELDOUT = Path(__file__).resolve().parents[2] / "heldout"
MAX_TOTAL = 3 * 1000 * 1000


def _truth() -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))
    return truth


ENTRIES = _truth()["entries"]
DIGITAL = [e for e in ENTRIES if e["medium"] == "digital"]


def test_every_listed_file_exists_with_its_hash_and_nothing_is_unlisted() -> None:
    listed = set()
    for e in ENTRIES:
        data = (HELDOUT / e["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (e["size"], e["sha256"]), e["path"]
        assert data.startswith(MAGIC[e["format"]]), e["path"]
        listed.add((HELDOUT / e["path"]).resolve())
    on_disk = {p.resolve() for p in (HELDOUT / "files").rglob("*") if p.is_file()}
    assert on_disk == listed and len(listed) == len(ENTRIES)
    truth = _truth()
    assert truth["files"] == len(ENTRIES) and truth["total_bytes"] == sum(e["size"] for e in ENTRIES) <= MAX_TOTAL


def test_entries_follow_the_corpus_schema_and_use_other_tools() -> None:
    for e in ENTRIES:
        where = e["path"]
        assert set(e["facts"]) == FAMILIES[e["family"]], where
        # no tool of tests/corpus may make a held-out file
        assert e["tool"] not in DIGITAL_TOOLS and e.get("source_tool") not in DIGITAL_TOOLS, where
        assert (e["medium"] == "scanned") == ("source_tool" in e), where
        assert e["clean"] == (e["forgery"] is None) == (e["expected_signals"] == []), where
        assert set(e["expected_signals"]) <= set(SIGNAL_CODES), where
        if e["forgery"] == "edited_amount":
            data = (HELDOUT / where).read_bytes()
            original = (HELDOUT / e["original_revision"]).read_bytes()
            assert data.startswith(original) and data.count(b"%%EOF") > original.count(b"%%EOF"), where
        if e["family"] == "paystub":
            f = e["facts"]
            assert (abs(f["gross"] - f["deductions"] - f["net"]) < 0.005) == (e["forgery"] != "broken_arithmetic")
    forged = [e for e in ENTRIES if not e["clean"]]
    assert 0.25 <= len(forged) / len(ENTRIES) <= 0.45


def _words(value: str) -> list[str]:
    flat = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().casefold()
    return sorted("".join(ch if ch.isalnum() else " " for ch in flat).split())


def _read(doc: DocumentFacts) -> dict[str, Any]:
    stub, bank = doc.pay_stub, doc.bank_statement
    period = stub if stub is not None else bank
    return {
        "gross": stub and stub.gross, "net": stub and stub.net, "deductions": stub and stub.deductions,
        "ytd_gross": stub and stub.ytd_gross, "pay_date": stub and stub.pay_date,
        "pay_frequency": stub and stub.pay_frequency,
        "period_start": period and period.period_start, "period_end": period and period.period_end,
        "employer": doc.employer, "name": doc.name_on_document,
        "closing_balance": bank and bank.closing_balance, "opening_balance": bank and bank.opening_balance,
        "transactions": bank and len(bank.transactions),
        "annual_salary": doc.stated_annual_salary, "start_date": doc.employment_start,
    }


@pytest.mark.parametrize("entry", DIGITAL, ids=[Path(e["path"]).stem for e in DIGITAL])
def test_born_digital_file_reads_as_its_ground_truth(entry: dict[str, Any]) -> None:
    doc = analyse_file("heldout", entry["path"], entry["declared_type"], HELDOUT / entry["path"])
    assert doc.kind == entry["family"]
    got = _read(doc)
    wrong = {}
    for field, want in entry["facts"].items():
        value = got[field]
        if isinstance(want, float):
            ok = value is not None and abs(float(value) - want) < 0.005
        elif field in ("name", "employer"):
            ok = value is not None and _words(str(value)) == _words(want)
        else:
            ok = value == want
        if not ok:
            wrong[field] = (value, want)
    assert wrong == {}
