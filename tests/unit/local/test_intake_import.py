"""`leaselab-desktop import FOLDER`: imports what it can, reports every refused row and file."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.backends.intake import guess_file_type, import_folder
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.cli import main


async def test_import_reports_refusals_and_imports_the_rest(backend: LocalBackend, tmp_path: Path) -> None:
    prop = (await backend.list_properties())[0]
    folder = tmp_path / "walkins"
    (folder / "ana@example.com").mkdir(parents=True)
    (folder / "ana@example.com" / "paystub-oct.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "ana@example.com" / "huge.pdf").write_bytes(b"0" * (26 * 1024 * 1024))
    (folder / "ana@example.com" / "escape.pdf").symlink_to("/etc/hostname")
    (folder / "leads.csv").write_text(
        "first_name,last_name,email,property,monthly_income,employment_status\n"
        f"Ana,Lima,ana@example.com,{prop.name},6500,employed\n"
        f"Bo,,bo@example.com,{prop.id},5000,employed\n"
        f"Cy,Ng,not-an-email,{prop.id},5000,employed\n"
        f"Di,Ro,di@example.com,Nowhere Towers,5000,employed\n"
        f"Ed,Po,ed@example.com,{prop.id},lots,employed\n"
        f"Fa,Qu,fa@example.com,{prop.id},4000,astronaut\n",
        encoding="utf-8",
    )
    report = await import_folder(backend, folder)
    assert [name for _, _, name in report.imported] == ["Ana Lima"]
    reasons = dict(report.refused_rows)
    assert "last_name" in reasons[3] and "email" in reasons[4] and "Nowhere Towers" in reasons[5]
    assert "not a number" in reasons[6] and "astronaut" in reasons[7]
    refused = {Path(p).name: why for p, why in report.refused_files}
    assert "MiB" in refused["huge.pdf"] and "outside" in refused["escape.pdf"]
    assert report.files == [(report.imported[0][1], "paystub-oct.pdf")]
    files = await backend.list_files(report.imported[0][1])
    assert [f.file_type for f in files] == ["paystub"]


def test_file_type_guess() -> None:
    assert guess_file_type("Paystub_2026-10.pdf") == "paystub"
    assert guess_file_type("TD bank statement.pdf") == "bank_statement"
    assert guess_file_type("employment-letter.pdf") == "employment_letter"
    assert guess_file_type("passport.jpg") == "government_id"
    assert guess_file_type("random.png") == "other"


def test_cli_import_missing_csv(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(tmp_path)]) == 2
    assert "has no leads.csv" in capsys.readouterr().err
