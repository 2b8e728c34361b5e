"""analyse_file on real PDFs and images: metadata, revisions, and every failure mode (no raise)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import doc_builders as b
import pytest

from leaselab_desktop.screening.documents import Limits, analyse_file, sniff
from leaselab_desktop.screening.documents.pdf_extract import pdf_date_to_iso, text_changes
from leaselab_desktop.screening.documents.revisions import count_revisions, earlier_revision

STUB_LINES = [
    "Acme Widgets Ltd.",
    "EARNINGS STATEMENT",
    "Employee: Jane Q. Public",
    "Pay Period: 2026-10-01 to 2026-10-14",
    "Pay Date: 2026-10-17",
    "Gross Pay: $4,250.00",
    "Total Deductions: $1,100.00",
    "Net Pay: $3,150.00",
    "YTD Gross: $80,750.00",
]


def test_clean_pdf_text_metadata_and_parsed_stub() -> None:
    data = b.text_pdf(STUB_LINES, producer="Microsoft Word", creator="Word",
                      created="2026-10-16T08:00:00")
    f = analyse_file("f1", "stub.pdf", "paystub", data)
    assert f.error is None and f.error_message is None
    assert f.detected_format == "pdf" and f.kind == "paystub" and f.pages == 1 and f.revisions == 1
    assert f.sha256 == hashlib.sha256(data).hexdigest() and f.size == len(data)
    assert f.metadata["producer"] == "Microsoft Word"
    assert f.metadata["creator"] == "Word"
    assert f.metadata["creation_date"] == "2026-10-16T08:00:00+00:00"
    assert f.metadata["mod_date"] == "2026-10-16T08:00:00+00:00"
    assert "Net Pay: $3,150.00" in f.text
    stub = f.pay_stub
    assert stub is not None
    assert (stub.gross, stub.deductions, stub.net, stub.ytd_gross) == (4250.0, 1100.0, 3150.0, 80750.0)
    assert (stub.period_start, stub.period_end, stub.pay_date) == ("2026-10-01", "2026-10-14", "2026-10-17")
    assert stub.pay_frequency == "biweekly"
    assert f.name_on_document == "Jane Q. Public"
    assert f.monthly_income_estimate == pytest.approx(4250 * 26 / 12, abs=0.01)


def test_path_input_matches_bytes_input(tmp_path: Path) -> None:
    data = b.text_pdf(STUB_LINES)
    p = tmp_path / "stub.pdf"
    p.write_bytes(data)
    assert analyse_file("f", "stub.pdf", "paystub", p) == analyse_file("f", "stub.pdf", "paystub", data)


def test_missing_path_is_an_error_not_an_exception(tmp_path: Path) -> None:
    f = analyse_file("f", "gone.pdf", "paystub", tmp_path / "gone.pdf")
    assert f.error == "corrupt" and "could not be opened" in (f.error_message or "")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n" + bytes(range(256)) * 8,
        b.text_pdf(STUB_LINES)[:600],
        b"%PDF-1.7\n%%EOF\n",
    ],
    ids=["garbage", "truncated", "header-only"],
)
def test_corrupt_pdfs(data: bytes) -> None:
    f = analyse_file("f", "x.pdf", "paystub", data)
    assert f.error == "corrupt"
    assert f.error_message and "damaged" in f.error_message
    assert f.sha256 == hashlib.sha256(data).hexdigest()


def test_encrypted_pdf_with_user_password() -> None:
    f = analyse_file("f", "x.pdf", "bank_statement", b.encrypted_pdf())
    assert f.error == "encrypted"
    assert f.error_message and "password" in f.error_message
    assert f.text == ""


def test_owner_only_encryption_is_opened() -> None:
    f = analyse_file("f", "x.pdf", "paystub", b.encrypted_pdf(user_password=""))
    assert f.error is None
    assert "Net Pay: $1,000.00" in f.text
    assert "owner password" in f.metadata["encryption"]


def test_empty_file(tmp_path: Path) -> None:
    assert analyse_file("f", "x.pdf", "paystub", b"").error == "empty"
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    f = analyse_file("f", "empty.pdf", "paystub", p)
    assert f.error == "empty" and f.error_message == "The file is empty (0 bytes)."
    assert f.sha256 == hashlib.sha256(b"").hexdigest()


def test_oversized_file_is_hashed_but_not_parsed(tmp_path: Path) -> None:
    data = b.text_pdf(STUB_LINES)
    p = tmp_path / "big.pdf"
    p.write_bytes(data)
    limits = Limits(max_bytes=1000)
    for source in (data, p):
        f = analyse_file("f", "big.pdf", "paystub", source, limits=limits)
        assert f.error == "oversized"
        assert f.error_message and "MiB" in f.error_message
        assert f.sha256 == hashlib.sha256(data).hexdigest() and f.size == len(data)
        assert f.text == "" and f.pay_stub is None


def test_too_many_pages() -> None:
    data = b.text_pdf(["Statement page"], pages=4)
    f = analyse_file("f", "long.pdf", "bank_statement", data, limits=Limits(max_pdf_pages=3))
    assert f.error == "too_many_pages" and f.pages == 4
    assert f.error_message and "4 pages" in f.error_message
    assert analyse_file("f", "long.pdf", "bank_statement", data).pages == 4


def test_text_is_capped() -> None:
    data = b.text_pdf(["Lorem ipsum dolor sit amet " * 3] * 30, pages=3)
    f = analyse_file("f", "a.pdf", "other", data, limits=Limits(max_text_chars=200))
    assert 0 < len(f.text) <= 200
    assert f.metadata["text_truncated"] == "first 200 characters analysed"
    assert "text_truncated" not in analyse_file("f", "a.pdf", "other", data).metadata


def test_pdf_that_is_a_jpeg_is_mislabelled_and_analysed_as_jpeg() -> None:
    jpeg = b.image_bytes("JPEG", software="Adobe Photoshop 25.0 (Windows)")
    f = analyse_file("f", "paystub.pdf", "paystub", jpeg)
    assert f.error == "mislabelled"
    assert f.detected_format == "jpeg"
    assert f.error_message and "named as pdf" in f.error_message and "really jpeg" in f.error_message
    assert f.metadata["exif_software"] == "Adobe Photoshop 25.0 (Windows)"
    assert f.metadata["claimed_format"] == "pdf"


def test_mislabelled_and_corrupt_keeps_both_facts() -> None:
    f = analyse_file("f", "photo.jpg", "government_id", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    assert f.error == "corrupt" and f.metadata["claimed_format"] == "jpeg"
    assert f.error_message and f.error_message.startswith("The file is named as jpeg")


@pytest.mark.parametrize(
    ("name", "data", "hint"),
    [
        ("letter.docx", None, "Office/ZIP"),
        ("blob.bin", bytes(range(256)) * 4, "cannot be analysed"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Office"),
    ],
)
def test_unsupported_formats(name: str, data: bytes | None, hint: str) -> None:
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        data = buf.getvalue()
    f = analyse_file("f", name, "other", data)
    assert f.error == "unsupported"
    assert f.error_message and hint in f.error_message and "PDF, JPEG, PNG or HEIC" in f.error_message


def test_images_exif_and_dimensions() -> None:
    f = analyse_file("f", "id.jpg", "government_id",
                     b.image_bytes("JPEG", software="GIMP 2.10.34", original="2026:10:01 10:00:00"))
    assert f.error is None and f.detected_format == "jpeg" and f.kind == "government_id"
    assert f.metadata["exif_software"] == "GIMP 2.10.34"
    assert f.metadata["exif_datetime"] == "2026:10:28 18:22:05"
    assert f.metadata["exif_datetime_original"] == "2026:10:01 10:00:00"
    assert (f.metadata["width"], f.metadata["height"]) == ("64", "48")
    assert f.text == "" and f.metadata["text_layer"] == "ocr"  # OCR ran; a blank 64×48 has no text
    png = analyse_file("f", "id.png", "government_id", b.image_bytes("PNG", software="Snapseed"))
    assert png.error is None and png.metadata["exif_software"] == "Snapseed"


def test_corrupt_and_huge_images() -> None:
    f = analyse_file("f", "id.jpg", "government_id", b"\xff\xd8\xff\xe0" + b"junk" * 50)
    assert f.error == "corrupt" and f.error_message
    heic = analyse_file("f", "id.heic", "government_id", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 64)
    assert heic.detected_format == "heic" and heic.error == "corrupt" and heic.error_message
    big = b.image_bytes("PNG", size=(400, 300), when=None)
    f = analyse_file("f", "id.png", "government_id", big, limits=Limits(max_image_pixels=1000))
    assert f.error == "oversized" and "400×300" in (f.error_message or "")


def test_plain_text_documents_are_parsed() -> None:
    text = "\n".join(STUB_LINES).encode()
    f = analyse_file("f", "stub.txt", "paystub", text)
    assert f.error is None and f.detected_format == "text"
    assert f.pay_stub and f.pay_stub.net == 3150.0


def test_incremental_update_text_change_is_recovered() -> None:
    pdfdocs = b.load_demo_module("pdfdocs")
    base = b.text_pdf(STUB_LINES)
    edited = pdfdocs.append_revision(base, [("Net Pay: $3,150.00", "Net Pay: $4,150.00")])
    assert count_revisions(base) == 1 and count_revisions(edited) == 2
    assert earlier_revision(edited) == base
    f = analyse_file("f", "stub.pdf", "paystub", edited)
    assert f.revisions == 2 and f.error is None
    assert f.metadata["earlier_revision"] == "differs"
    assert f.metadata["revision_changes"] == "Net Pay: $3,150.00 → $4,150.00"
    assert f.pay_stub and f.pay_stub.net == 4150.0


def test_pypdf_incremental_writer_without_text_change() -> None:
    edited = b.pypdf_incremental_annotation(b.text_pdf(STUB_LINES))
    f = analyse_file("f", "stub.pdf", "paystub", edited)
    assert f.revisions == 2
    assert f.metadata["earlier_revision"] == "same text"
    assert "revision_changes" not in f.metadata


def test_sniff_and_helpers() -> None:
    assert sniff(b"") == "empty"
    assert sniff(b"junk before %PDF-1.4") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff(b"GIF89a...") == "gif"
    assert sniff(b"II*\x00....") == "tiff"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"Gross Pay: $1.00\n") == "text"
    assert pdf_date_to_iso("D:20261017093000+05'30'") == "2026-10-17T09:30:00+05:30"
    assert pdf_date_to_iso("D:20261017093000Z") == "2026-10-17T09:30:00+00:00"
    assert pdf_date_to_iso("D:2026") == "2026-01-01T00:00:00"
    assert pdf_date_to_iso("yesterday") is None
    assert text_changes("A\nNet Pay: $1.00\nGone line", "A\nNet Pay: $2.00\nNew line") == [
        "Net Pay: $1.00 → $2.00", "removed: Gone line", "added: New line",
    ]


def test_results_are_cached_by_content_and_returned_as_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    from leaselab_desktop.screening.documents import analyse as analyse_mod

    analyse_mod.clear_cache()
    calls: list[int] = []
    real = analyse_mod._extract

    def counting(*args: object) -> None:
        calls.append(1)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(analyse_mod, "_extract", counting)
    data = b.text_pdf(STUB_LINES)
    first = analyse_file("f1", "stub.pdf", "paystub", data)
    first.metadata["tampered"] = "yes"
    second = analyse_file("f2", "stub.pdf", "paystub", data)
    assert len(calls) == 1
    assert second.file_id == "f2" and "tampered" not in second.metadata
    assert second.pay_stub == first.pay_stub
    analyse_file("f3", "other-name.pdf", "paystub", data)
    analyse_file("f4", "stub.pdf", "paystub", data, limits=Limits(max_text_chars=50))
    assert len(calls) == 3  # the name and the limits are part of the key


def test_warm_up_imports_the_libraries() -> None:
    import sys

    from leaselab_desktop.screening.documents import warm_up

    warm_up()
    assert "pypdf" in sys.modules and "PIL.Image" in sys.modules


def test_pypdf_incremental_writer_changing_compressed_text() -> None:
    base = b.compressed_pdf(STUB_LINES)
    assert b"Net Pay" not in base  # the page content is Flate-compressed
    edited = b.pypdf_incremental_text_edit(base, b"$3,150.00", b"$4,150.00")
    f = analyse_file("f", "stub.pdf", "paystub", edited)
    assert f.revisions == 2
    assert f.metadata["revision_changes"] == "Net Pay: $3,150.00 → $4,150.00"
    assert earlier_revision(edited) == base


def test_change_kinds() -> None:
    from leaselab_desktop.screening.documents.pdf_extract import change_kind

    assert change_kind(["Net Pay: $1.00 → $2.00"]) == "changed"
    assert change_kind(["removed: Deductions: $5.00"]) == "changed"
    assert change_kind(["added: Bonus: $20,000.00"]) == "added"
    assert change_kind(["added: Digitally signed by Jamie Ellis", "added: Date: 2026.11.05 10:00"]) == "signature"
    pdfdocs = b.load_demo_module("pdfdocs")
    edited = pdfdocs.append_revision(b.text_pdf(STUB_LINES), [("Net Pay: $3,150.00", "Net Pay: $3,150.00")])
    assert analyse_file("f", "s.pdf", "paystub", edited).metadata["earlier_revision"] == "same text"
