"""Demo dataset: deterministic bytes, complete schema columns, realistic data, every case present."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import doc_builders as b
import pytest

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.domain.vocab import FILE_TYPES, LEAD_STATUSES
from leaselab_desktop.screening.signals import SIGNAL_CODES

SCHEMA = Path(b.ROOT) / "leaselab_desktop" / "store" / "migrations" / "0001_initial.sql"
CRAFTED_CODES = {
    "editing_software", "date_mismatch", "incremental_revision", "paystub_arithmetic",
    "ytd_discontinuity", "name_mismatch", "income_mismatch", "bank_balance_mismatch",
    "file_reused", "implausible_income", "document_unreadable", "document_mislabelled",
}


def _columns(table: str) -> list[str]:
    sql = SCHEMA.read_text(encoding="utf-8")
    body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", sql, re.S)
    assert body
    cols = []
    for line in body.group(1).splitlines():
        m = re.match(r"\s+([a-z_]+)\s+(TEXT|INTEGER|REAL)", line)
        if m:
            cols.append(m.group(1))
    return cols


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], Path]:
    gen = b.load_demo_module()
    out = tmp_path_factory.mktemp("demo_a")
    manifest = gen.generate_demo(out)
    return manifest, json.loads(manifest.demo_json.read_text(encoding="utf-8")), out


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generation_is_byte_identical(generated: tuple[Any, dict[str, Any], Path],
                                      tmp_path: Path) -> None:
    manifest, _, out = generated
    again = b.load_demo_module().generate_demo(tmp_path / "again")
    first, second = _tree(out), _tree(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert manifest.files == again.files


def test_rerun_in_place_keeps_files(generated: tuple[Any, dict[str, Any], Path]) -> None:
    manifest, _, out = generated
    before = _tree(out)
    assert b.load_demo_module().generate_demo(out).files == manifest.files
    assert _tree(out) == before


def test_site_properties_units(generated: tuple[Any, dict[str, Any], Path]) -> None:
    _, raw, _ = generated
    site = raw["site"]
    assert (site["id"], site["name"], site["tier"], site["policy_profile"]) == (
        "site_demo", "Lakeshore Living", "pro", "default")
    assert set(_columns("sites")) <= set(site)
    assert len(raw["properties"]) == 3
    assert {p["city"] for p in raw["properties"]} == {"Toronto", "Mississauga"}
    for p in raw["properties"]:
        assert set(_columns("properties")) <= set(p)
    prop_ids = {p["id"] for p in raw["properties"]}
    for u in raw["units"]:
        assert set(_columns("units")) <= set(u)
        assert u["property_id"] in prop_ids and 1850 <= u["monthly_rent"] <= 3400
    assert {u["property_id"] for u in raw["units"]} == prop_ids


def test_leads_have_every_schema_column_and_valid_values(
    generated: tuple[Any, dict[str, Any], Path],
) -> None:
    _, raw, out = generated
    columns = _columns("leads")
    units = {u["id"]: u for u in raw["units"]}
    leads = raw["leads"]
    assert 12 <= len(leads) <= 20
    statuses = [lead["status"] for lead in leads]
    assert statuses.count("documents_received") > len(leads) / 2
    for lead in leads:
        assert set(columns) <= set(lead), set(columns) - set(lead)
        assert lead["site_id"] == "site_demo" and lead["status"] in LEAD_STATUSES
        assert units[lead["unit_id"]]["property_id"] == lead["property_id"]
        assert lead["email"].endswith("@example.com") and re.match(r"416-555-01\d\d$", lead["phone"])
        Lead.model_validate(lead)
        for d in lead["documents"]:
            assert d["file_type"] in FILE_TYPES
            path = out / d["path"]
            assert path.is_file() and path.stat().st_size == d["size"]
            assert d["path"].startswith(f"files/{lead['id']}/")
            assert path.stat().st_size < 200_000
    assert any(not lead["documents"] for lead in leads)


def test_every_signal_has_a_crafted_case(generated: tuple[Any, dict[str, Any], Path]) -> None:
    manifest, raw, _ = generated
    expected = {code for c in manifest.cases for code in c.expected_signals}
    assert expected >= CRAFTED_CODES
    assert expected <= set(SIGNAL_CODES)
    assert [c["lead_id"] for c in raw["cases"]] == [lead["id"] for lead in raw["leads"]]
    kinds = {c.case for c in manifest.cases}
    assert {"clean_strong", "clean_weak", "no_documents", "corrupt_file", "mislabelled_file"} <= kinds
    assert len(manifest.fraud_cases) >= 13
    loaded = b.load_demo_module().load_cases(manifest.demo_json)
    assert [c.expected_signals for c in loaded] == [c.expected_signals for c in manifest.cases]


def test_documents_are_real_files(generated: tuple[Any, dict[str, Any], Path]) -> None:
    _, raw, out = generated
    seen = {"pdf": 0, "jpeg": 0, "png": 0}
    for lead in raw["leads"]:
        for d in lead["documents"]:
            head = (out / d["path"]).read_bytes()[:8]
            if head.startswith(b"%PDF-"):
                seen["pdf"] += 1
            elif head.startswith(b"\xff\xd8\xff"):
                seen["jpeg"] += 1
            elif head.startswith(b"\x89PNG"):
                seen["png"] += 1
    assert seen["pdf"] >= 40 and seen["jpeg"] >= 10 and seen["png"] >= 1


def test_detection_figures_counts_misses_and_false_flags() -> None:
    gen = b.load_demo_module()
    cases = [gen.DemoCase("a", "x", ["editing_software"]), gen.DemoCase("c", "clean_strong", [])]
    figures = gen.detection_figures(cases, {
        "a": [{"code": "date_mismatch", "severity": "medium"}],
        "c": [{"code": "incremental_revision", "severity": "low"}],
    })
    assert figures["fraud_cases_total"] == 1 and figures["fraud_cases_flagged"] == 0
    assert figures["clean_docs_false_flags"] == 1
    assert figures["missed"] == ["a:x"] and figures["false_flags"] == ["a:date_mismatch"]


def test_command_line(tmp_path: Path) -> None:
    script = Path(b.DEMO_DIR) / "generator.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "cli")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "18 leads" in done.stdout and (tmp_path / "cli" / "demo.json").is_file()
    bad = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                         check=False)
    assert bad.returncode == 2 and "usage" in bad.stderr
