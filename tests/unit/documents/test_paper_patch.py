"""The "whiter than the paper" check on scans made here, by another method than the corpus generator:
Pillow-drawn statements with shaded table rows, a numpy scanner model (paper level, noise, blur,
rotation, JPEG) at other sizes and qualities, and an amount typed on a clean white strip pasted
over the scan, as an editor would. Clean pages, including a blown-out scan, a form printed with a
tint over white fields and a photo under a lamp, must raise nothing above low; every pasted strip
must be found, sure, where it was."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from leaselab_desktop.screening.documents.image_forensics import block_size, inspect_image, suspicious_boxes
from leaselab_desktop.screening.documents.paper_patch import whiter_patches
from leaselab_desktop.screening.documents.pixel_blocks import gray
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.image_forensics import image_forensic_signals

Box = tuple[int, int, int, int]
# (width, paper level, noise sigma, blur radius, JPEG quality, rotation in degrees)
SCANNERS = [
    (1240, 244, 4.0, 0.5, 80, 0.7),
    (1700, 236, 6.0, 0.0, 65, -1.2),
    (1500, 247, 2.5, 0.8, 90, 0.0),
    (2000, 240, 5.0, 0.6, 75, 0.4),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _statement(rng: np.random.Generator, width: int) -> tuple[Image.Image, list[Box]]:
    """A statement page: a header, a table with every other row shaded grey and an amount at the
    right of each row. Returns the page and the boxes of the amounts."""
    height = int(width * 1.29)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    size = max(12, width // 70)
    font = _font(size)
    draw.text((width // 12, height // 20), "ACCOUNT STATEMENT  March 2026", fill=10, font=_font(size * 2))
    row_h, amounts = int(size * 2.2), []
    top, left, right = height // 6, width // 12, width - width // 12
    for i in range(int((height * 0.7) // row_h)):
        y = top + i * row_h
        if i % 2:
            draw.rectangle((left, y, right, y + row_h), fill=228)
        label = f"03/{1 + i % 28:02d}  PAYMENT {rng.integers(1000, 99999)}"
        draw.text((left + 8, y + size // 3), label, fill=20, font=font)
        text = f"{rng.integers(10, 4999):,}.{rng.integers(0, 99):02d}"
        x = right - 8 - int(draw.textlength(text, font=font))
        draw.text((x, y + size // 3), text, fill=20, font=font)
        amounts.append((x - 4, y + 2, right - 4, y + row_h - 2))
        draw.line((left, y + row_h, right, y + row_h), fill=150, width=1)
    return img, amounts


def _noisy(img: Image.Image, rng: np.random.Generator, paper: int, sigma: float, blur: float) -> np.ndarray:
    a = np.asarray(img, dtype=np.float32) * (paper - 18) / 255 + 18  # paper at ``paper``, ink at ~18
    out = np.clip(a + rng.normal(0, sigma, a.shape), 0, 255)
    if blur:
        out = np.asarray(Image.fromarray(out.astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur)), np.float32)
    return out


def _finish(a: np.ndarray, paper: int, angle: float, quality: int) -> bytes:
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=paper)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _paste(a: np.ndarray, rng: np.random.Generator, box: Box, size: int) -> np.ndarray:
    """A new amount typed on a clean white strip (an editor's canvas) over the scanned one."""
    x0, y0, x1, y1 = box
    strip = Image.new("L", (x1 - x0, y1 - y0), 255)
    ImageDraw.Draw(strip).text((3, 2), f"{rng.integers(5000, 9999):,}.{rng.integers(0, 99):02d}", fill=0,
                               font=_font(size))
    out = a.copy()
    out[y0:y1, x0:x1] = np.asarray(strip, dtype=np.float32)
    return out


def _scan(index: int, forged: bool) -> tuple[bytes, list[Box]]:
    width, paper, sigma, blur, quality, angle = SCANNERS[index]
    rng = np.random.default_rng(9300 + index)
    page, amounts = _statement(rng, width)
    a = _noisy(page, rng, paper, sigma, blur)
    chosen = [amounts[3], amounts[8]] if forged else []
    for box in chosen:
        a = _paste(a, rng, box, max(12, width // 70))
    return _finish(a, paper, angle, quality), chosen


def _signals(data: bytes) -> list[tuple[str, str]]:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    facts = DocumentFacts(file_id="f", file_name="s.jpg", sha256="0", md5="0", size=len(data), detected_format="jpeg")
    facts.metadata.update(inspect_image(data, rgb))
    return [(s.code, s.severity) for s in image_forensic_signals(facts)]


def _overlap(a: Box, b: Box) -> float:
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return inter / ((b[2] - b[0]) * (b[3] - b[1]))


@pytest.mark.parametrize("index", range(len(SCANNERS)))
def test_clean_scans_with_shaded_rows_raise_nothing_above_low(index: int) -> None:
    data, _ = _scan(index, forged=False)
    assert [s for s in _signals(data) if s[1] != "low"] == []


@pytest.mark.parametrize("index", range(len(SCANNERS)))
def test_white_strips_pasted_over_a_scan_are_found_where_they_are(index: int) -> None:
    data, pasted = _scan(index, forged=True)
    assert ("pasted_region", "medium") in _signals(data)
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    found = suspicious_boxes(inspect_image(data, rgb))
    for box in pasted:  # each pasted amount is outlined (rotation moves it by a few pixels)
        assert any(_overlap(f, box) >= 0.3 for f in found), (found, pasted)


def test_a_blown_out_scan_has_nothing_whiter_than_its_paper() -> None:
    """A scanner that clips the paper to pure white: a white paste cannot be told from the page, and
    the clean page is not suspected either."""
    rng = np.random.default_rng(5)
    page, _ = _statement(rng, 1300)
    a = _noisy(page, rng, 262, 4.0, 0.4)  # paper past 255: clipped flat, as an over-exposed scan
    assert whiter_patches(gray(np.clip(a, 0, 255)), block_size(a.shape)) == []
    assert [s for s in _signals(_finish(a, 255, 0.5, 80)) if s[1] != "low"] == []


def test_white_fields_on_a_tinted_form_are_its_paper_not_a_paste() -> None:
    """A form printed with a light tint over most of the page and white boxes to fill in: the boxes
    are whiter than the tint, but they are the real paper (many of them, all over the page)."""
    rng = np.random.default_rng(11)
    img = Image.new("L", (1400, 1800), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 1360, 1760), fill=222)  # the printed tint, white margins left
    for i in range(14):
        y = 150 + i * 110
        draw.rectangle((700, y, 1300, y + 60), fill=255, outline=60)  # a white field with a border
        draw.text((720, y + 16), f"{rng.integers(100, 9999):,}.{rng.integers(0, 99):02d}", fill=15, font=_font(24))
        draw.text((90, y + 16), f"FIELD {i + 1}", fill=15, font=_font(24))
    data = _finish(_noisy(img, rng, 243, 4.0, 0.5), 243, 0.3, 80)
    assert [s for s in _signals(data) if s[1] != "low"] == []


def test_a_photo_under_a_lamp_is_not_an_evenly_lit_scan() -> None:
    """A phone photo: a bright lamp spot fading across the page. The paper's level varies far more
    than the step the check looks for, so it does not run (the noise check covers photos)."""
    rng = np.random.default_rng(21)
    page, _ = _statement(rng, 1200)
    a = _noisy(page, rng, 236, 3.0, 0.9)
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = a * (0.8 + 0.28 * np.exp(-(((xx - 0.7 * w) / (0.3 * w)) ** 2 + ((yy - 0.3 * h) / (0.3 * h)) ** 2)))
    assert whiter_patches(gray(np.clip(a, 0, 255)), block_size(a.shape)) == []
    assert [s for s in _signals(_finish(a, 236, 0.0, 85)) if s[1] != "low"] == []


def test_the_evidence_says_whiter_than_the_paper_and_names_every_region() -> None:
    data, _ = _scan(0, forged=True)
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    facts = DocumentFacts(file_id="f", file_name="s.jpg", sha256="0", md5="0", size=len(data), detected_format="jpeg")
    facts.metadata.update(inspect_image(data, rgb))
    assert facts.metadata["forensic_patch_kind"] == "whiter"
    (sig,) = [s for s in image_forensic_signals(facts) if s.code == "pasted_region"]
    assert "whiter than the paper" in sig.evidence and "1 more region like it is outlined" in sig.evidence
    assert "pixels of the upright image" in sig.evidence


def test_a_scanned_pdf_page_reports_its_region_in_the_page_points() -> None:
    """A copier's image-only PDF: the box is given in the page's points (where the viewer draws a
    PDF page), on the page it was found, and the evidence mark reads it so."""
    from leaselab_desktop.domain.evidence import mark_of
    from leaselab_desktop.screening.documents.ocr_intake import image_only_pages, inspect_pdf_pages

    clean, _ = _scan(0, forged=False)
    forged, pasted = _scan(0, forged=True)
    pages = [Image.open(io.BytesIO(clean)), Image.open(io.BytesIO(forged))]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    data = buf.getvalue()
    found = inspect_pdf_pages(data, image_only_pages(data))
    assert found["forensic_page"] == "2" and found["forensic_patch_unit"] == "pt"
    in_points = [(x0 * 72 / 150, y0 * 72 / 150, x1 * 72 / 150, y1 * 72 / 150) for x0, y0, x1, y1 in pasted]
    boxes = suspicious_boxes(found)
    assert all(any(_overlap(b, p) >= 0.3 for b in boxes) for p in in_points), (boxes, in_points)
    facts = DocumentFacts(file_id="f", file_name="s.pdf", sha256="0", md5="0", size=len(data), detected_format="pdf")
    facts.metadata.update(found)
    (sig,) = [s for s in image_forensic_signals(facts) if s.code == "pasted_region"]
    mark = mark_of(sig)
    assert mark is not None and mark.unit == "pt" and mark.page == 1
