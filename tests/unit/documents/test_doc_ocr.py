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
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = Image.fromarray(pb.camera_shot(pb.reportlab_page(), seed=7, skew_deg=2.0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawImage(ImageReader(scan), 0, 0, width=letter[0], height=letter[1])
    c.save()
    f = analyse_file("f", "scan.pdf", "paystub", buf.getvalue())
    _assert_stub_read(f)
    assert f.metadata["ocr_pages"] == "1"


def test_words_carry_boxes_and_confidence() -> None:
    (rgb, known), = image_frames(pb.phone_photo_jpeg(seed=4, orientation=1, skew_deg=3.0), DEFAULT_LIMITS)
    page = read_page(rgb, page=0, upright_known=known)
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
