"""Forgeries with PyMuPDF (not pypdf as in tests/corpus): an amount covered with a white box and
retyped, saved as an incremental update so the first revision is still in the file; and pages
rendered to pixels as a scanner would (200/300 dpi, grey paper, skew, noise, JPEG)."""

from __future__ import annotations

import hashlib
import io
import random
import re
import tempfile
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter


def edit_incremental(pdf: bytes, edits: list[tuple[str, str]], mod_date: str) -> bytes:
    """Each old string whited out and the new one typed right-aligned over it (Helvetica), saved
    with ``saveIncr`` after the original bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edit.pdf"
        path.write_bytes(pdf)
        doc = pymupdf.open(path)
        _retype(doc, edits, mod_date)
        doc.saveIncr()
        doc.close()
        return _fixed_id(pdf, path.read_bytes(), repr(edits))


def _fixed_id(original: bytes, edited: bytes, salt: str) -> bytes:
    """MuPDF gives the update a random /ID (both halves when the original had none): same-length
    values from the content instead, so reruns are byte-identical."""
    tail = edited[len(original):]
    kept = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>", original)
    first = kept.group(1) if kept else hashlib.md5(original, usedforsecurity=False).hexdigest().upper().encode()
    second = hashlib.md5(original + salt.encode(), usedforsecurity=False).hexdigest().upper().encode()
    tail = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>",
                  lambda m: b"/ID[<" + first + b"><" + second + b">", tail)
    return edited[: len(original)] + tail


def _retype(doc: pymupdf.Document, edits: list[tuple[str, str]], mod_date: str) -> None:
    for page in doc:
        for old, new in edits:
            for rect in page.search_for(old):
                cover = pymupdf.Rect(rect.x0 - 0.5, rect.y0 - 0.5, rect.x1 + 0.5, rect.y1 + 0.5)
                page.draw_rect(cover, color=None, fill=(1, 1, 1), overlay=True)
                size = rect.height * 0.78
                width = pymupdf.get_text_length(new, fontname="helv", fontsize=size)
                page.insert_text((rect.x1 - width, rect.y1 - rect.height * 0.22), new, fontname="helv",
                                 fontsize=size, color=(0, 0, 0))
    meta = dict(doc.metadata or {})
    meta["modDate"] = mod_date
    doc.set_metadata({k: v for k, v in meta.items() if k not in ("format", "encryption")})


def page_image(pdf: bytes, page: int, dpi: int) -> Image.Image:
    doc = pymupdf.open("pdf", pdf)
    pix = doc[page].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    doc.close()
    return img


def page_count(pdf: bytes) -> int:
    doc = pymupdf.open("pdf", pdf)
    count = doc.page_count
    doc.close()
    return count


def scan(img: Image.Image, seed: int, skew: float, noise: float = 6.0) -> Image.Image:
    """Flatbed look: paper tone, a small rotation, soft focus and sensor noise (seeded)."""
    return Image.fromarray(np.clip(scan_levels(img, seed, skew, noise), 0, 255).astype(np.uint8), "L")


def scan_levels(img: Image.Image, seed: int, skew: float, noise: float) -> np.ndarray:
    """``scan``'s grey levels before they are rounded to 8 bits (0..255, float)."""
    rng = np.random.default_rng(seed)
    paper = Image.eval(img, lambda v: int(22 + v * 0.88))  # ink not quite black, paper not white
    turned = paper.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    soft = turned.filter(ImageFilter.GaussianBlur(0.6))
    return np.asarray(soft, dtype=np.float32) + rng.normal(0, noise, (soft.height, soft.width))


def sixteen_bit(levels: np.ndarray) -> np.ndarray:
    """0..255 grey levels as a 16-bit scanner writes them (0..65535)."""
    return np.clip(np.rint(levels * 257.0), 0, 65535).astype(np.uint16)


def png16(levels: np.ndarray) -> bytes:
    """A 16-bit greyscale PNG written by pypng (a pure-Python encoder, not Pillow's), as
    ``scanimage --format=png --depth 16`` returns a page."""
    import png as pypng

    rows = sixteen_bit(levels)
    buf = io.BytesIO()
    pypng.Writer(rows.shape[1], rows.shape[0], greyscale=True, bitdepth=16, compression=9).write(buf, rows)
    return buf.getvalue()


def tiff16(pages: list[np.ndarray], dpi: int) -> bytes:
    """A multi-page 16-bit greyscale TIFF (deflate) written by tifffile: a sheet feeder's scan."""
    import tifffile

    buf = io.BytesIO()
    with tifffile.TiffWriter(buf) as tif:
        for levels in pages:
            tif.write(sixteen_bit(levels), photometric="minisblack", compression="zlib",
                      resolution=(dpi, dpi), resolutionunit="INCH", software="Sheet Feeder 40")
    return buf.getvalue()


def bilevel_tiff(img: Image.Image, dpi: int, threshold: int = 150) -> bytes:
    """A 1-bit black-and-white TIFF written by tifffile: an office scanner's "B&W text" mode."""
    import tifffile

    ink = np.asarray(img) >= threshold  # True = white (min-is-black)
    buf = io.BytesIO()
    tifffile.imwrite(buf, ink, photometric="minisblack", compression="zlib", resolution=(dpi, dpi),
                     resolutionunit="INCH", software="Office Scanner B&W")
    return buf.getvalue()


def jpeg(img: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def png(img: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.quantize(16).save(buf, "PNG", dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def image_pdf(pages: list[bytes], size: tuple[float, float], stamp: str) -> bytes:
    """JPEG pages in a PDF with no text layer (a copier's scan-to-email)."""
    doc = pymupdf.open()
    for data in pages:
        page = doc.new_page(width=size[0], height=size[1])
        page.insert_image(page.rect, stream=data)
    doc.set_metadata({"producer": "Scan Station 3100", "creator": "Scan Station 3100",
                      "creationDate": stamp, "modDate": stamp})
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def skew_for(seed: int) -> float:
    return round(random.Random(seed).uniform(-1.5, 1.5), 2)
