"""The committed corpus (tests/corpus/) and its ground truth agree: every file listed exists with its
hash, nothing is unlisted, the schema holds and the coverage the benchmark relies on is there.
Accuracy is bench/documents.py's job, not this test's."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.screening.signals import SIGNAL_CODES
from tests.unit.corpus.corpus_schema import DIGITAL_TOOLS, FAMILIES, MAGIC

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
RASTER_TOOLS = {"raster_scan", "raster_image_pdf", "raster_photo", "raster_heic", "raster_screenshot"}
FORGERIES = {"edited_amount", "broken_arithmetic", "ytd_jump", "name_swap", "broken_running_balance",
             "page2_discontinuity", "pasted_patch"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_FILE = 2 * 1024 * 1024
MAX_TOTAL = 25 * 1000 * 1000


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries(truth: dict[str, Any]) -> list[dict[str, Any]]:
    return truth["entries"]


def test_every_listed_file_exists_with_its_hash_and_nothing_is_unlisted(entries: list[dict[str, Any]]) -> None:
    listed = set()
    for e in entries:
        path = CORPUS / e["path"]
        assert path.is_file(), e["path"]
        data = path.read_bytes()
        assert len(data) == e["size"], e["path"]
        assert hashlib.sha256(data).hexdigest() == e["sha256"], f"{e['path']} changed since expected.json was written"
        listed.add(path.resolve())
    on_disk = {p.resolve() for p in (CORPUS / "files").rglob("*") if p.is_file()}
    assert on_disk - listed == set(), "files not in expected.json"
    assert len(listed) == len(entries), "an entry is listed twice"


def test_sizes_stay_under_the_repository_limits(truth: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    assert all(e["size"] <= MAX_FILE for e in entries), [e["path"] for e in entries if e["size"] > MAX_FILE]
    total = sum(e["size"] for e in entries)
    assert total <= MAX_TOTAL
    assert truth["files"] == len(entries) and truth["total_bytes"] == total


def test_each_entry_follows_the_schema(entries: list[dict[str, Any]]) -> None:
    for e in entries:
        where = e["path"]
        assert e["family"] in FAMILIES, where
        assert e["medium"] in ("digital", "scanned"), where
        assert e["tool"] in DIGITAL_TOOLS | RASTER_TOOLS, where
        assert (e["medium"] == "digital") == (e["tool"] in DIGITAL_TOOLS), where
        if e["tool"] in RASTER_TOOLS:
            assert e["source_tool"] in DIGITAL_TOOLS | {"pillow_draw"}, where
        data = (CORPUS / where).read_bytes()[:16]
        if e["format"] == "heic":
            assert data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"mif1", b"heix"), where
        else:
            assert data.startswith(MAGIC[e["format"]]), where
        # a photo of one page carries only the facts visible on it
        partial = e["medium"] == "scanned" and e.get("note") == "page 1 of 2 only"
        assert set(e["facts"]) <= FAMILIES[e["family"]] if partial else set(e["facts"]) == FAMILIES[e["family"]], where
        for key, value in e["facts"].items():
            if key in ("pay_date", "period_start", "period_end", "start_date", "date_of_birth", "expiry"):
                assert ISO_DATE.match(value), (where, key, value)
        if e["family"] == "paystub":
            assert e["facts"]["pay_frequency"] in ("weekly", "biweekly", "semimonthly", "monthly"), where
        assert e["clean"] == (e["forgery"] is None), where
        assert e["forgery"] is None or e["forgery"] in FORGERIES, where
        assert set(e["expected_signals"]) <= set(SIGNAL_CODES), where
        assert e["clean"] == (e["expected_signals"] == [] and e["forgery"] is None), where
        assert {"first_name", "last_name", "employer", "monthly_income"} <= set(e["lead"]), where
        for rel in e["companions"]:
            assert (CORPUS / rel).is_file(), (where, rel)


def test_printed_pay_stub_arithmetic_matches_the_forgery_kind(entries: list[dict[str, Any]]) -> None:
    for e in entries:
        if e["family"] != "paystub":
            continue
        f = e["facts"]
        balanced = abs(f["gross"] - f["deductions"] - f["net"]) < 0.005
        assert balanced == (e["forgery"] != "broken_arithmetic"), e["path"]


def test_an_edited_pdf_keeps_its_original_revision_as_a_prefix(entries: list[dict[str, Any]]) -> None:
    edited = [e for e in entries if e["forgery"] == "edited_amount"]
    assert edited
    for e in edited:
        data = (CORPUS / e["path"]).read_bytes()
        original = (CORPUS / e["original_revision"]).read_bytes()
        assert data.startswith(original) and len(data) > len(original), e["path"]
        assert data.count(b"%%EOF") > original.count(b"%%EOF"), e["path"]
        assert e["facts"] != e["original_facts"], e["path"]
        assert e["edit_method"] in ("in_place", "overlay"), e["path"]
    assert {e["edit_method"] for e in edited} == {"in_place", "overlay"}


def test_coverage_the_issue_asks_for(entries: list[dict[str, Any]]) -> None:
    assert len(entries) >= 120
    layouts: dict[str, set[str]] = defaultdict(set)
    kinds_by_layout: dict[str, set[bool]] = defaultdict(set)
    for e in entries:
        layouts[e["family"]].add(e["layout"])
        kinds_by_layout[e["layout"]].add(e["clean"])
    assert len(layouts["paystub"]) >= 8
    assert len(layouts["bank_statement"]) >= 5
    assert len(layouts["employment_letter"]) >= 3
    assert len(layouts["government_id"]) >= 4
    assert all(v == {True, False} for v in kinds_by_layout.values()), "a layout lacks a clean or a forged file"
    assert {e["forgery"] for e in entries} - {None} == FORGERIES
    assert len({e["tool"] for e in entries if e["medium"] == "digital"}) >= 5
    assert {e["format"] for e in entries} == {"pdf", "jpeg", "png", "heic"}
    assert any(e["companions"] for e in entries if e["forgery"] == "ytd_jump")
