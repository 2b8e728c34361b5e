"""Deterministic demo images with Pillow: ID cards and phone photos of documents, with EXIF."""

from __future__ import annotations

import io


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
    buf = io.BytesIO()
    exif = _exif(software, taken, make, model)
    if fmt.upper() == "PNG":
        img.save(buf, format="PNG", exif=exif, optimize=False)
    else:
        img.save(buf, format="JPEG", quality=85, exif=exif, optimize=False, progressive=False)
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
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80, exif=_exif("HDR+ 1.0.5", taken, "Google", "Pixel 7"))
    return buf.getvalue()
