"""Imports as files arrive from Windows and macOS: CSV with CRLF line ends (Excel), folder names
that differ in case from leads.csv, and document paths over Windows' 260 characters."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from leaselab_desktop.backends.intake import import_folder
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.platforms import find_entry, long_path

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("C:\\Users\\ana\\" + "x" * 300, "\\\\?\\C:\\Users\\ana\\" + "x" * 300),
        # the prefix turns off Windows' own folding of "/" and "..": it is done first
        ("C:/Users/ana/../bo/" + "y" * 300, "\\\\?\\C:\\Users\\bo\\" + "y" * 300),
        ("\\\\server\\share\\" + "z" * 300, "\\\\?\\UNC\\server\\share\\" + "z" * 300),
        ("\\\\?\\C:\\already\\" + "x" * 300, "\\\\?\\C:\\already\\" + "x" * 300),
        ("relative\\" + "x" * 300, "relative\\" + "x" * 300),  # the prefix is only valid on absolute paths
        ("C:\\short\\file.pdf", "C:\\short\\file.pdf"),
    ],
)
def test_long_windows_paths_get_the_prefix(path: str, expected: str) -> None:
    assert long_path(path, platform="win32") == expected


@pytest.mark.parametrize("platform", ["darwin", "linux"])
def test_unix_paths_are_left_alone(platform: str) -> None:
    path = "/home/ana/" + "x" * 400
    assert long_path(path, platform=platform) == path


@pytest.mark.skipif(sys.platform != "win32", reason="only Windows limits paths to 260 characters")
def test_long_path_on_real_windows(tmp_path: Path) -> None:
    deep = tmp_path / ("a" * 100) / ("b" * 100) / ("c" * 100)
    os.makedirs(long_path(deep))
    target = deep / "pay stub.pdf"
    Path(long_path(target)).write_bytes(PDF)
    assert len(str(target)) > 260 and Path(long_path(target)).read_bytes() == PDF


def test_find_entry_matches_names_case_insensitively(tmp_path: Path) -> None:
    (tmp_path / "Ana@Example.com").mkdir()
    assert find_entry(tmp_path, "ana@example.COM") is not None
    assert find_entry(tmp_path, "ana@example.COM").name == "Ana@Example.com"  # type: ignore[union-attr]
    assert find_entry(tmp_path, "bo@example.com") is None
    assert find_entry(tmp_path / "missing", "x") is None


def test_find_entry_with_names_differing_only_in_case(tmp_path: Path) -> None:
    (tmp_path / "Ana").mkdir()
    if (tmp_path / "ana").exists():
        pytest.skip("this file system matches names case-insensitively (NTFS, APFS): two such folders cannot exist")
    (tmp_path / "ana").mkdir()
    assert find_entry(tmp_path, "ana") == tmp_path / "ana"  # the exact name wins
    assert find_entry(tmp_path, "ANA") is None  # ambiguous: neither is guessed


async def test_import_csv_from_excel_on_windows(backend: LocalBackend, tmp_path: Path) -> None:
    """CRLF line ends, a BOM, a quoted note over two lines, and a folder whose case differs."""
    prop = (await backend.list_properties())[0]
    folder = tmp_path / "walkins"
    (folder / "ANA@EXAMPLE.COM").mkdir(parents=True)
    (folder / "ANA@EXAMPLE.COM" / "PayStub-Oct.PDF").write_bytes(PDF)
    rows = [
        "first_name,last_name,email,property,monthly_income,employment_status,message",
        f'Ana,Lima,ana@example.com,{prop.name},6500,employed,"Moving for work.\nCan start in May."',
        f"Bo,Ng,bo@example.com,{prop.id},5000,employed,",
    ]
    (folder / "leads.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    report = await import_folder(backend, folder)
    assert report.refused_rows == [] and report.refused_files == []
    assert [name for _, _, name in report.imported] == ["Ana Lima", "Bo Ng"]
    ana = await backend.get_lead(report.imported[0][1])
    assert ana.message is not None and ana.message.splitlines() == ["Moving for work.", "Can start in May."]
    assert "\r" not in ana.message
    bo = await backend.get_lead(report.imported[1][1])
    assert bo.employment_status == "employed"  # the last column carries no "\r"
    assert report.files == [(ana.id, "PayStub-Oct.PDF")]


async def test_import_a_document_whose_path_is_over_260_characters(backend: LocalBackend, tmp_path: Path) -> None:
    prop = (await backend.list_properties())[0]
    folder = tmp_path / ("w" * max(1, 200 - len(str(tmp_path))))
    lead_dir = folder / "ana@example.com"
    os.makedirs(long_path(lead_dir))
    name = "bank-statement-" + "s" * 80 + ".pdf"
    Path(long_path(lead_dir / name)).write_bytes(PDF)
    (folder / "leads.csv").write_text(
        f"first_name,last_name,email,property\nAna,Lima,ana@example.com,{prop.id}\n", encoding="utf-8"
    )
    report = await import_folder(backend, folder)
    assert len(str(lead_dir / name)) > 260
    assert report.refused_files == [] and [n for _, n in report.files] == [name]
