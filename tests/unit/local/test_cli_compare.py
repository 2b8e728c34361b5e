"""``compare`` and ``leads --xlsx`` on the local profile, in process, on the demo data: real
evaluations, the printed table and sentences, the PDF, the refusals and their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from leaselab_desktop import platforms
from tests.unit.local.test_cli_commands import run

# Square One Towers 1708 has three demo applicants; 2110 is another unit of the same building
SAME_UNIT = ("lead_demo_05", "lead_demo_14")
OTHER_UNIT = "lead_demo_06"


def test_compare_two_applicants_prints_the_differences_and_saves_a_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    data = tmp_path / "d"
    code, out, err = run(capsys, data, "compare", *SAME_UNIT)
    assert code == 0, err
    assert "Comparing 2 applicants for Square One Towers · 1708" in out
    assert "Not evaluated" in out and "has no evaluation yet" not in out.split("Differences")[0]
    for lead in SAME_UNIT:
        assert run(capsys, data, "evaluate", lead)[0] == 0
    pdf = tmp_path / "cmp.pdf"
    code, out, err = run(capsys, data, "compare", *SAME_UNIT, "--pdf", str(pdf), "--profile", "local")
    assert code == 0, err
    assert "* Income verification" in out and "Differences (* above):" in out
    assert "Daniel Kim gets" in out and f"Saved the comparison to {pdf}" in out
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Daniel Kim" in text and "Emma Wilson" in text and "Page 1 of" in text


def test_a_bare_pdf_goes_to_the_documents_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(platforms, "documents_dir", lambda *a, **k: docs)
    code, out, err = run(capsys, tmp_path / "d", "compare", *SAME_UNIT, "--pdf")
    assert code == 0, err
    (saved,) = docs.glob("compare-square-one-towers-1708-*.pdf")
    assert f"Saved the comparison to {saved}" in out


REFUSALS = [
    ((SAME_UNIT[0], OTHER_UNIT), 2, "error: These applicants applied for different units (Square One Towers · "
                                    "1708 and Square One Towers · 2110)."),
    ((SAME_UNIT[0],), 2, "error: Select at least two applicants"),
    ((SAME_UNIT[0], SAME_UNIT[0]), 2, "error: The same applicant was given twice"),
    (("lead_demo_05", "lead_demo_14", "lead_demo_17", "lead_demo_01", "lead_demo_02"), 2, "at most 4"),
    ((SAME_UNIT[0], "lead_nope"), 1, "error: Lead lead_nope was not found"),
]


def test_refusals_read_plainly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for ids, code, needle in REFUSALS:
        got, out, err = run(capsys, tmp_path / "d", "compare", *ids)
        assert got == code and needle in err and "Traceback" not in err and out == "", (ids, err)
    code, _, err = run(capsys, tmp_path / "d", "compare", *SAME_UNIT, "--pdf", str(tmp_path / "no" / "x.pdf"))
    assert code == 1 and "error: could not write" in err


def test_leads_xlsx_has_the_lists_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "leads.xlsx"
    assert run(capsys, tmp_path / "d", "evaluate", SAME_UNIT[0])[0] == 0
    code, out, err = run(capsys, tmp_path / "d", "leads", "--xlsx", str(out_file))
    assert code == 0, err
    assert f"Saved 18 lead(s) to {out_file}" in out
    rows = CalamineWorkbook.from_path(str(out_file)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["Lead id", "Name", "Email", "Label", "Recommendation", "AI score", "Status", "Property / unit",
                       "Updated (UTC)"]
    assert len(rows) == 19 and {r[0] for r in rows[1:]} >= set(SAME_UNIT)
    evaluated = next(r for r in rows if r[0] == SAME_UNIT[0])
    # the recommendation in the list's words (never the code), a number for the score
    assert evaluated[4] in ("Approve", "Approve with verification", "Decline", "Reject", "Manual review"), evaluated
    assert isinstance(evaluated[5], int | float)
