"""OCR with the real PP-OCRv4 models of rapidocr-onnxruntime, on photos no LeaseLab code drew."""

from __future__ import annotations

import io

import numpy as np
import photo_builders as pb
import pytest
from PIL import Image

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
from leaselab_desktop.screening.documents.ocr import read_page, split_line, text_lines
from leaselab_desktop.screening.documents.ocr_intake import image_frames

pytestmark = pytest.mark.slow


def _assert_stub_read(f) -> None:  # type: ignore[no-untyped-def]
    assert f.error is None, f.error_message
    assert f.kind == "paystub"
    assert f.pay_stub is not None
    assert (f.pay_stub.gross, f.pay_stub.deductions, f.pay_stub.net) == (3250.0, 647.0, 2603.0)
    assert f.name_on_document == "Priya Raman"
    assert f.metadata["text_layer"] == "ocr"
    assert float(f.metadata["ocr_mean_confidence"]) > 0.85


def test_skewed_phone_photo_with_exif_orientation_is_read() -> None:
    data = pb.phone_photo_jpeg(seed=1, orientation=6, skew_deg=4.0)
    stored = Image.open(io.BytesIO(data))
    assert stored.width > stored.height  # stored sideways: a landscape sensor frame of a portrait page
    f = analyse_file("f", "stub_photo.jpg", "paystub", data)
    _assert_stub_read(f)
    assert "ocr_rotation" not in f.metadata  # EXIF turned it upright; OCR did not need to
    assert 2.0 <= float(f.metadata["ocr_skew_deg"]) <= 9.0
    assert f.metadata["exif_make"] == "Apple"


@pytest.mark.parametrize(("lies", "turned"), [(3, "180°"), (6, "90°"), (8, "270°")])
def test_page_lying_turned_under_a_phone_that_wrote_upright_is_read(lies: int, turned: str) -> None:
    """A phone held flat over a document on a desk cannot tell which way is up: its EXIF says
    orientation 1 (upright) whichever way the page lies. The angle classifier still looks."""
    rgb = pb.camera_shot(pb.reportlab_page(), seed=6, skew_deg=3.0)
    data = pb.encode_camera_jpeg(pb.rotate_for_exif(rgb, lies), exif=pb.phone_exif(orientation=1))
    f = analyse_file("f", "flat_on_desk.jpg", "paystub", data)
    _assert_stub_read(f)
    assert f.metadata["ocr_rotation"] == turned


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparent_png_with_black_under_its_clear_pixels_is_read(mode: str) -> None:
    """A page exported with no background (a "remove background" app, a design tool): the paper
    is transparent and its hidden colour black, as most encoders store it. Read on white."""
    page = np.asarray(pb.reportlab_page().convert("L"))
    ink = (255 - page).astype(np.uint8)  # opaque where printed, clear where paper
    black = np.zeros_like(page)
    layers = [black, black, black, ink] if mode == "RGBA" else [black, ink]
    buf = io.BytesIO()
    Image.fromarray(np.stack(layers, axis=-1), mode).save(buf, "PNG")
    f = analyse_file("f", "cutout.png", "paystub", buf.getvalue())
    _assert_stub_read(f)


@pytest.mark.parametrize(("orientation", "turned"), [(6, "90°"), (3, "180°"), (8, "90°")])
def test_page_turned_without_exif_is_found_upright(orientation: int, turned: str) -> None:
    rgb = pb.camera_shot(pb.reportlab_page(), seed=5, skew_deg=-5.0)
    data = pb.encode_camera_jpeg(pb.rotate_for_exif(rgb, orientation))  # no EXIF at all
    f = analyse_file("f", "scan.jpg", "paystub", data)
    _assert_stub_read(f)
    # 270° = turned 90°, then found upside down by the angle classifier: 90° + 180°
    assert f.metadata["ocr_rotation"] == (turned if orientation != 8 else "270°")


def test_heic_photo_is_read() -> None:
    data = pb.heic_photo(seed=2)
    assert data[4:12] == b"ftypheic"
    f = analyse_file("f", "IMG_0042.HEIC", "paystub", data)
    assert f.detected_format == "heic"
    _assert_stub_read(f)


def test_image_only_pdf_page_is_read() -> None:
    f = analyse_file("f", "scan.pdf", "paystub", _scan_pdf(None))
    _assert_stub_read(f)
    assert f.metadata["ocr_pages"] == "1"


def _scan_pdf(stamp: str | None, text_lines: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A page-size picture in a reportlab PDF, with a line of text over it (a stamp) and/or the
    pay stub's own lines as a text layer (a digital page on a picture background)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.fromarray(pb.camera_shot(pb.reportlab_page(), seed=7, skew_deg=2.0)) if not text_lines else (
        Image.new("RGB", (850, 1100), (246, 244, 236)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawImage(ImageReader(picture), 0, 0, width=letter[0], height=letter[1])
    if stamp:
        c.setFont("Helvetica", 8)
        c.drawString(24, letter[1] - 14, stamp)
    y = 720.0
    for left, right in text_lines:
        c.setFont("Helvetica", 12)
        c.drawString(60, y, left)
        c.drawRightString(552, y, right)
        y -= 26
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("stamp", [
    "DocuSign Envelope ID: 7C1E4B2A-9F3D-4E8B-A6C1-52D0E9F1B3A7",  # an e-signature service, every page
    "Scanned with CamScanner",  # a scanner app's footer
    "MAR-16-2026 09:14 FROM: NORTHWIND PAYROLL 416 555 0199 TO: 4165550123 P.001/001",  # a fax header
])
def test_scanned_page_under_a_text_stamp_is_read_by_ocr(stamp: str) -> None:
    f = analyse_file("f", "signed_scan.pdf", "paystub", _scan_pdf(stamp))
    assert f.error is None and f.pay_stub is not None
    assert (f.pay_stub.gross, f.pay_stub.net) == (3250.0, 2603.0)
    assert f.name_on_document == "Priya Raman"
    assert f.metadata["text_layer"] == "text + ocr" and f.metadata["ocr_pages"] == "1"
    assert stamp.split()[0] in f.text  # the stamp is kept in the text


def test_digital_page_on_a_picture_background_is_not_read_by_ocr() -> None:
    f = analyse_file("f", "stub.pdf", "paystub", _scan_pdf(None, pb.PAY_STUB_LINES))
    assert "ocr_pages" not in f.metadata and f.metadata.get("text_layer") != "text + ocr"  # its own text layer
    assert f.pay_stub is not None and f.pay_stub.gross == 3250.0


def test_words_carry_boxes_and_confidence() -> None:
    (rgb,) = image_frames(pb.phone_photo_jpeg(seed=4, orientation=1, skew_deg=3.0), DEFAULT_LIMITS)
    page = read_page(rgb, page=0)
    words = page.words.words
    assert page.words.source == "ocr" and page.words.width > 0
    gross = next(w for w in words if w.text == "Gross")
    amount = next(w for w in words if w.text == "3,250.00")
    net = next(w for w in words if w.text == "Net")
    assert gross.x1 < amount.x0  # label left of its amount, on one level line after deskewing
    assert abs((gross.top + gross.bottom) - (amount.top + amount.bottom)) / 2 < (gross.bottom - gross.top)
    assert net.top > gross.bottom  # later lines further down
    assert all(0.5 <= w.confidence <= 1.0 for w in words)
    assert all(0 <= w.x0 < w.x1 <= page.words.width and 0 <= w.top < w.bottom <= page.words.height for w in words)


def test_split_line_interpolates_word_boxes() -> None:
    words = split_line("Net pay 2,603.00", np.array([0, 10, 160, 30], dtype=np.float32), 0.9, page=2)
    assert [w.text for w in words] == ["Net", "pay", "2,603.00"]
    assert words[0].x0 == 0 and words[-1].x1 == 160 and words[1].x0 == pytest.approx(40.0)
    assert all(w.page == 2 and w.confidence == 0.9 for w in words)
    assert text_lines(words) == ["Net pay 2,603.00"]


@pytest.mark.parametrize("cut", [0.2, 0.6])
def test_truncated_photo_gives_a_clear_error(cut: float) -> None:
    data = pb.phone_photo_jpeg(seed=1)
    f = analyse_file("f", "stub.jpg", "paystub", data[: int(len(data) * cut)])
    assert f.error == "corrupt"
    assert f.error_message and "damaged" in f.error_message
    assert f.text == ""


def test_blank_image_yields_no_text_and_says_so() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (250, 250, 250)).save(buf, "PNG")
    f = analyse_file("f", "blank.png", "paystub", buf.getvalue())
    assert f.error is None and f.text == ""
    assert f.metadata["text_layer"] == "ocr" and f.metadata["ocr_mean_confidence"].startswith("none")


@pytest.mark.parametrize("size", [(1, 1), (5, 3000), (3000, 5), (17, 17)])
def test_tiny_and_sliver_images_are_read_without_blowing_up(size: tuple[int, int]) -> None:
    """The detector scales the short side up to 736 px: unbounded, a 5×3000 strip would need
    hundreds of GB."""
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buf, "PNG")
    f = analyse_file("f", "strip.png", "paystub", buf.getvalue())
    assert f.error is None and f.metadata["text_layer"] == "ocr"
