"""Which pages of a document need OCR, their pixels, and what OCR adds to ``DocumentFacts``.

Images (JPEG, PNG, HEIC, TIFF, WebP, BMP, GIF) are read upright as their EXIF orientation says;
PDF pages without a text layer are rendered with pypdfium2. Called at intake from the analysis
worker thread, never from the GUI thread.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import TYPE_CHECKING

import numpy as np

from leaselab_desktop.domain.pdfium_lock import PDFIUM_LOCK
from leaselab_desktop.domain.pixels import page_rgb
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS, Limits
from leaselab_desktop.screening.documents.ocr import OcrPage, OcrUnavailable, read_page
from leaselab_desktop.screening.documents.words import PageWords
from leaselab_desktop.screening.facts import DocumentFacts

if TYPE_CHECKING:
    from PIL import Image

MAX_OCR_PAGES = 10  # pages of one document read by OCR (a pay stub or statement is 1–4 pages)
MIN_DPI_RATIO = 1.3  # resolutions across and down further apart than this are made equal
MAX_SQUARED_PIXELS = 40_000_000  # ... unless the stretched image would be larger
RENDER_MAX_SIDE = 2000  # px: a letter page at ~180 dpi, plenty for 8-pt print
MIN_PAGE_CHARS = 16  # a PDF page with fewer text-layer characters is treated as image-only
STAMP_CHARS = 200  # ... as is one with fewer, over a picture covering SCAN_COVER of the page
SCAN_COVER = 0.6  # (a digital pay stub or statement page holds 500+ characters)


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF (iPhone photos); idempotent."""
    from pi_heif import register_heif_opener  # pillow-heif's decoder, without its 21 MB encoder

    register_heif_opener()


def image_frames(data: bytes, limits: Limits) -> list[np.ndarray]:
    """Each frame of an image as upright RGB (as its EXIF orientation says; HEIF applies its own
    rotation on decode), whatever its sample depth and transparency (``domain.pixels.page_rgb``)."""
    from PIL import Image, ImageOps

    register_heif()
    frames: list[np.ndarray] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > limits.max_image_pixels:
            raise ValueError("image too large")
        for index in range(min(int(getattr(img, "n_frames", 1) or 1), MAX_OCR_PAGES)):
            img.seek(index)
            square = _square_pixels(img)
            upright = ImageOps.exif_transpose(square) if index == 0 else square
            frames.append(np.asarray(page_rgb(upright)))
    return frames


def _square_pixels(img: Image.Image) -> Image.Image:
    """The image with as many pixels per inch down as across. A fax in normal mode is 204 × 98 dpi:
    its letters, twice as tall in pixels as on paper, read as "NO RTHGATE LOG ISTICS I NC."."""
    from PIL import Image

    dpi = img.info.get("dpi")
    try:
        across, down = (float(v) for v in dpi)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return img
    if across <= 0 or down <= 0 or max(across, down) < MIN_DPI_RATIO * min(across, down):
        return img
    size = (round(img.width * max(1.0, down / across)), round(img.height * max(1.0, across / down)))
    if size[0] * size[1] > MAX_SQUARED_PIXELS:
        return img
    source = img.convert("L") if img.mode == "1" else img  # greys: the stretch keeps strokes smooth
    return source.resize(size, Image.Resampling.BILINEAR)


def image_only_pages(data: bytes, limit: int = MAX_OCR_PAGES) -> list[int]:
    """0-based indexes of the PDF pages that are pictures of a page, at most ``limit``: pages with
    (almost) no text layer, and pages whose text is no more than a stamp over a picture that
    covers most of the page (``STAMP_CHARS``, ``SCAN_COVER``): e-signature services print their
    envelope id on every page, fax machines a header line, scanner apps a footer."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # see domain/pdfium_lock.py: every pdfium object is closed inside it
        pdf = pdfium.PdfDocument(data)
        try:
            found = []
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                chars = len(textpage.get_text_range().strip())
                textpage.close()
                if chars < MIN_PAGE_CHARS or (chars < STAMP_CHARS and _picture_share(page) >= SCAN_COVER):
                    found.append(index)
                page.close()
                if len(found) >= limit:
                    break
            return found
        finally:
            pdf.close()


def _picture_share(page: object) -> float:
    """The share of the page's area its largest picture covers (0 when it has none)."""
    import pypdfium2 as pdfium

    width, height = page.get_size()  # type: ignore[attr-defined]
    largest = 0.0
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]):  # type: ignore[attr-defined]
        left, bottom, right, top = obj.get_bounds()
        covered = (min(right, width) - max(left, 0.0)) * (min(top, height) - max(bottom, 0.0))
        largest = max(largest, covered)
    return largest / (width * height) if width > 0 and height > 0 else 0.0


def render_pages(data: bytes, indexes: list[int]) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            out = []
            for index in indexes:
                page = pdf[index]
                width, height = page.get_size()
                bitmap = page.render(scale=RENDER_MAX_SIDE / max(width, height, 1.0))
                out.append(np.asarray(bitmap.to_pil().convert("RGB")))  # a copy: the bitmap closes
                bitmap.close()
                page.close()
            return out
        finally:
            pdf.close()


Frames = list[np.ndarray]  # upright RGB pixels, page by page


def ocr_image(facts: DocumentFacts, data: bytes, limits: Limits) -> tuple[Frames, list[PageWords]]:
    """OCR an image document into ``facts`` (text, metadata). Returns the decoded frames for the
    pixel checks (none when the pixels could not be decoded: ``facts.error``) and the words read,
    page by page, for layout reading."""
    try:
        frames = image_frames(data, limits)
    except Exception as exc:  # headers passed verify(), but the pixels did not decode: truncated
        facts.error = "corrupt"
        facts.error_message = (
            f"The image could not be decoded ({type(exc).__name__}: {str(exc)[:80]}); it may be "
            "truncated or damaged."
        )
        facts.metadata["text_layer"] = "none (the image could not be decoded)"
        return [], []
    return frames, _apply(facts, frames, pages=list(range(len(frames))))


def ocr_pdf(facts: DocumentFacts, data: bytes) -> list[PageWords]:
    """OCR the image-only pages of a PDF, append their text; returns their words."""
    try:
        indexes = image_only_pages(data)
        frames = render_pages(data, indexes)
    except Exception as exc:
        facts.metadata["ocr_error"] = f"The PDF pages could not be rendered for OCR ({type(exc).__name__})."
        return []
    if indexes:
        with contextlib.suppress(Exception):  # the pixel checks are a bonus; OCR is the reading
            facts.metadata.update(inspect_pdf_pages(data, indexes))
    return _apply(facts, frames, pages=indexes) if frames else []


def inspect_pdf_pages(data: bytes, indexes: list[int]) -> dict[str, str]:
    """The pixel checks on the scanned pages of a PDF, on each page's own embedded image (the JPEG
    bytes a copier wrapped, not a re-rendered page: resampling would wipe the noise and the JPEG
    traces). The findings of the first page with a pasted-looking region, else of the first page;
    ``forensic_page`` names it (1-based)."""
    from PIL import Image

    from leaselab_desktop.screening.documents.image_forensics import inspect_image

    found: dict[str, str] = {}
    for index, (raw, bounds, page_height) in zip(indexes, _page_images(data, indexes), strict=True):
        if raw is None:  # a page of several pictures is not one scan
            continue
        with Image.open(io.BytesIO(raw)) as img:
            rgb = np.asarray(page_rgb(img))
        result = {**inspect_image(raw, rgb), "forensic_page": str(index + 1)}
        _boxes_to_points(result, bounds, page_height, rgb.shape)
        if not found or ("forensic_patch_box" in result and "forensic_patch_box" not in found):
            found = result
        if found.get("forensic_patch_sure") == "yes":
            break
    return found


PageImage = tuple[bytes | None, tuple[float, float, float, float], float]  # bytes, bounds, page height


def _page_images(data: bytes, indexes: list[int]) -> list[PageImage]:
    """Each page's one embedded image as stored (None when it has several or none), its bounds in
    PDF points and the page's height: read under the pdfium lock, checked after it."""
    import pypdfium2 as pdfium

    out: list[PageImage] = []
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            for index in indexes:
                page = pdf[index]
                images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=1))
                raw, bounds = None, (0.0, 0.0, 0.0, 0.0)
                if len(images) == 1 and _decodable(images[0]):
                    buf = io.BytesIO()
                    images[0].extract(buf)
                    left, bottom, right, top = images[0].get_bounds()
                    raw, bounds = buf.getvalue(), (float(left), float(bottom), float(right), float(top))
                out.append((raw, bounds, float(page.get_height())))
                page.close()
        finally:
            pdf.close()
    return out


def _decodable(image: object) -> bool:
    """Whether an embedded picture is small enough to decode for the pixel checks: extracting it
    decodes it whole, and a few hundred kilobytes of PDF can hold a 60,000 × 60,000 picture
    (measured: 4.4 GB and 25 s). Its page is still rendered, at a bounded size, for OCR."""
    try:
        width, height = image.get_px_size()  # type: ignore[attr-defined]
    except Exception:  # pdfium could not say: do not decode it
        return False
    return 0 < int(width) * int(height) <= DEFAULT_LIMITS.max_image_pixels


def _boxes_to_points(
    found: dict[str, str], pos: tuple[float, float, float, float], page_height: float, shape: tuple[int, ...]
) -> None:
    """Pasted-region boxes from the embedded image's pixels to the page's points (from its top-left
    corner), where the viewer draws a PDF page; ``forensic_patch_unit`` says so."""
    from leaselab_desktop.screening.documents.image_forensics import suspicious_boxes

    boxes = suspicious_boxes(found)
    if not boxes:
        return
    left, bottom, right, top = pos
    sx, sy = (right - left) / shape[1], (top - bottom) / shape[0]
    down = page_height - top  # the image's top edge, from the page's top
    to_pt = [
        (round(left + x0 * sx), round(down + y0 * sy), round(left + x1 * sx), round(down + y1 * sy))
        for x0, y0, x1, y1 in boxes
    ]
    found["forensic_patch_box"] = ",".join(str(v) for v in to_pt[0])
    if "forensic_patch_boxes" in found:
        found["forensic_patch_boxes"] = ";".join(",".join(str(v) for v in b) for b in to_pt)
    found["forensic_patch_unit"] = "pt"


def _apply(facts: DocumentFacts, frames: Frames, pages: list[int]) -> list[PageWords]:
    try:
        read: list[OcrPage] = [
            read_page(rgb, page=page) for rgb, page in zip(frames, pages, strict=True)
        ]
    except OcrUnavailable as exc:
        facts.metadata["ocr_error"] = str(exc)
        return []
    except Exception as exc:  # an image the engine cannot take (odd shape): say so, never raise
        facts.metadata["ocr_error"] = f"OCR failed on this image ({type(exc).__name__}: {str(exc)[:80]})."
        return []
    record_ocr(facts, read)
    return [page.words for page in read]


def record_ocr(facts: DocumentFacts, read: list[OcrPage]) -> None:
    """What OCR read, in the facts: its text after any text layer, and how it was read."""
    text = "\n".join(line for page in read for line in page.lines)
    had_text = bool(facts.text.strip())
    facts.text = f"{facts.text.rstrip()}\n{text}".strip() if had_text else text
    confidences = [p.mean_confidence for p in read if p.mean_confidence is not None]
    facts.metadata["text_layer"] = "text + ocr" if had_text else "ocr"
    facts.metadata["ocr_pages"] = ",".join(str(p.words.page + 1) for p in read)
    facts.metadata["ocr_mean_confidence"] = (
        f"{sum(confidences) / len(confidences):.3f}" if confidences else "none (no text found)"
    )
    facts.metadata["ocr_seconds"] = f"{sum(p.seconds for p in read):.2f}"
    turned = {p.rotation for p in read if p.rotation}
    if turned:
        facts.metadata["ocr_rotation"] = ",".join(f"{r}°" for r in sorted(turned))
    skews = [abs(p.skew_deg) for p in read if abs(p.skew_deg) >= 0.5]
    if skews:
        facts.metadata["ocr_skew_deg"] = f"{max(skews):.1f}"
