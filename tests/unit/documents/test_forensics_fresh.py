"""The pixel checks on images made here, by another method than the corpus generator and the photo
builders (Pillow-drawn pages of random words, additive noise of several strengths, optional blur,
a light falloff across the page, libjpeg at several qualities and sizes), so that thresholds tuned
on the corpus are checked on pictures they never saw. Clean pictures must raise nothing above low;
a strip with its own clean background pasted over a noisy one must be found, sure, where it was."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from leaselab_desktop.screening.documents.image_forensics import (
    inspect_image,
    noise_map,
    pasted_region,
    suspicious_boxes,
)
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.image_forensics import image_forensic_signals

Box = tuple[int, int, int, int]
# (width, noise sigma, blur radius, JPEG quality): other sizes, noise and qualities than the corpus
VARIANTS = [(1100, 5.0, 0.0, 88), (1500, 6.0, 0.8, 85), (1500, 9.0, 0.0, 70), (1900, 7.0, 0.5, 92)]


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _page(rng: np.random.Generator, width: int) -> tuple[Image.Image, Font, int]:
    height = int(width * 1.3)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    size = max(12, width // 60)
    font = ImageFont.load_default(size=size)
    y = size * 2
    while y < height - size * 3:
        x = size * 2
        while x < width - size * 8:
            word = "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789.,$"), int(rng.integers(3, 10))))
            draw.text((x, y), word, fill=int(rng.integers(0, 60)), font=font)
            x += int(size * rng.uniform(4, 9))
        y += int(size * rng.uniform(1.6, 2.6))
    return img, font, size


def _capture(img: Image.Image, rng: np.random.Generator, sigma: float, blur: float) -> Image.Image:
    a = np.asarray(img, dtype=np.float32) * 0.9 + 12  # grey paper, grey ink
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w]
    a = a * (1 - 0.12 * xx / w) * (1 - 0.06 * yy / h) + rng.normal(0, sigma, a.shape)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(blur)) if blur else out


def _paste(img: Image.Image, rng: np.random.Generator, font: object, size: int) -> tuple[Image.Image, Box]:
    """A new amount typed on a clean strip (paper tone close to the page's) and pasted over it."""
    pw, ph = int(size * rng.uniform(8, 14)), int(size * 1.5)
    x0, y0 = int(rng.uniform(0.2, 0.6) * img.width), int(rng.uniform(0.2, 0.8) * img.height)
    patch = Image.new("L", (pw, ph), int(rng.integers(225, 246)))
    ImageDraw.Draw(patch).text((4, 2), f"{rng.integers(1000, 9999)}.{rng.integers(10, 99)}", fill=20, font=font)  # type: ignore[arg-type]
    out = img.copy()
    out.paste(patch, (x0, y0))
    return out, (x0, y0, x0 + pw, y0 + ph)


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _pair(index: int) -> tuple[bytes, bytes, Box]:
    width, sigma, blur, quality = VARIANTS[index]
    rng = np.random.default_rng(7100 + index)
    page, font, size = _page(rng, width)
    shot = _capture(page, rng, sigma, blur)
    forged, box = _paste(shot, rng, font, size)
    return _jpeg(shot, quality), _jpeg(forged, quality), box


def _signals(data: bytes) -> list[tuple[str, str]]:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    facts = DocumentFacts(file_id="f", file_name="p.jpg", sha256="0", md5="0", size=len(data), detected_format="jpeg")
    facts.metadata.update(inspect_image(data, rgb))
    return [(s.code, s.severity) for s in image_forensic_signals(facts)]


@pytest.mark.parametrize("index", range(len(VARIANTS)))
def test_fresh_clean_pictures_raise_nothing_above_low(index: int) -> None:
    clean, _, _ = _pair(index)
    assert [s for s in _signals(clean) if s[1] != "low"] == []
    assert pasted_region(noise_map(np.asarray(Image.open(io.BytesIO(clean)).convert("RGB")))) is None


@pytest.mark.parametrize("index", range(len(VARIANTS)))
def test_fresh_pasted_strip_is_found_where_it_is(index: int) -> None:
    _, forged, (px0, py0, px1, py1) = _pair(index)
    assert ("pasted_region", "medium") in _signals(forged)
    rgb = np.asarray(Image.open(io.BytesIO(forged)).convert("RGB"))
    meta = inspect_image(forged, rgb)
    (x0, y0, x1, y1), = suspicious_boxes(meta)
    inter = max(0, min(x1, px1) - max(x0, px0)) * max(0, min(y1, py1) - max(y0, py0))
    assert inter >= 0.3 * (px1 - px0) * (py1 - py0), ((x0, y0, x1, y1), (px0, py0, px1, py1))


def test_no_noise_means_no_verdict_on_patches() -> None:
    """A flat render (no sensor noise to compare with) never gets a pasted region, however clean
    parts of it are: the check needs the image's own noise as its reference."""
    page, _, _ = _page(np.random.default_rng(3), 900)
    rgb = np.asarray(page.convert("RGB"))
    assert pasted_region(noise_map(rgb)) is None
    assert noise_map(rgb[:20, :20]).median == 0.0  # a thumbnail: nothing to measure, no error


def test_scanned_pdf_pages_get_the_pixel_checks_on_their_own_images() -> None:
    """A copier's image-only PDF (a clean page, then the forged one): the checks run on each
    page's embedded JPEG, and the page with the pasted strip is the one reported."""
    from leaselab_desktop.screening.documents.ocr_intake import image_only_pages, inspect_pdf_pages

    clean, forged, _ = _pair(1)
    pages = [Image.open(io.BytesIO(clean)), Image.open(io.BytesIO(forged))]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    data = buf.getvalue()
    found = inspect_pdf_pages(data, image_only_pages(data))
    assert found["forensic_page"] == "2" and found["forensic_patch_sure"] == "yes"
    assert found["forensic_jpeg_tables"].startswith("ijg")  # the embedded JPEG itself, not a render
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150)
    one = buf.getvalue()
    assert "forensic_patch_box" not in inspect_pdf_pages(one, image_only_pages(one))
