"""Deterministic demo images with Pillow: ID cards and phone photos of documents, with EXIF."""

from __future__ import annotations

import io


def _as_photographed(img: object, seed: int, sigma: float = 4.0) -> object:
    """Sensor noise (as every camera adds; deterministic per seed): without it the image is a
    render, which the pixel checks rightly tell apart from a photo."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(img, dtype=np.float32)
    grain = np.random.default_rng(seed).normal(0.0, sigma, size=pixels.shape[:2]).astype(np.float32)
    pixels += grain[..., None]  # luminance noise: the same in R, G and B
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _camera_tables(quality: int) -> list[list[int]]:
    """The phone's own quantisation tables (not libjpeg's standard ones, which editors write)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buf, "JPEG", quality=quality)
    tables = Image.open(buf).quantization
    return [[max(1, v + (1 if (i * 5 + t) % 4 == 0 else 0)) for i, v in enumerate(tables[t])] for t in sorted(tables)]


def _exif(software: str | None, taken: str, make: str, model: str) -> object:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0132] = taken  # DateTime "YYYY:MM:DD HH:MM:SS"
    if software:
        exif[0x0131] = software
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    return exif


def id_card(
    name: str,
    number: str,
    fmt: str = "JPEG",
    software: str | None = "17.1.2",
    taken: str = "2026:10:28 18:22:05",
    make: str = "Apple",
    model: str = "iPhone 14",
) -> bytes:
    """A 480×300 photo-card image (no real ID layout) with camera EXIF."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 300), (232, 238, 246))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 479, 54), fill=(24, 64, 128))
    draw.text((16, 18), "ONTARIO PHOTO CARD (DEMO)", fill=(255, 255, 255))
    draw.rectangle((20, 80, 140, 240), fill=(180, 190, 205), outline=(90, 100, 120))
    draw.text((170, 90), f"NAME: {name.upper()}", fill=(20, 20, 20))
    draw.text((170, 120), f"NO: {number}", fill=(20, 20, 20))
    draw.text((170, 150), "EXP: 2030-06-30", fill=(20, 20, 20))
    draw.text((170, 250), "SPECIMEN - NOT A REAL DOCUMENT", fill=(150, 30, 30))
    img = _as_photographed(img, sum(map(ord, number)), sigma=2.0 if fmt.upper() == "PNG" else 4.0)
    buf = io.BytesIO()
    exif = _exif(software, taken, make, model)
    if fmt.upper() == "PNG":
        img.save(buf, format="PNG", exif=exif, optimize=False)
    else:
        img.save(buf, format="JPEG", qtables=_camera_tables(85), exif=exif, optimize=False, progressive=False)
    return buf.getvalue()


def document_photo(lines: list[str], taken: str = "2026:10:30 09:12:44") -> bytes:
    """A phone photo of a paper document (JPEG); its text is not readable without OCR."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (420, 560), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    y = 30
    for text in lines:
        draw.text((30, y), text, fill=(30, 30, 30))
        y += 22
    img = _as_photographed(img, len(lines))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", qtables=_camera_tables(80), exif=_exif("HDR+ 1.0.5", taken, "Google", "Pixel 7"))
    return buf.getvalue()
