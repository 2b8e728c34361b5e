"""Rendering for the document viewer: PDF pages (pypdfium2) and images (Pillow, EXIF rotation,
HEIC); the regions the pixel checks call pasted are returned with the page.

These functions run in a worker thread (the viewer calls them through ``asyncio.to_thread``); they
return raw RGBA bytes and the GUI thread wraps them in a QImage/QPixmap. A damaged or unsupported
file raises PreviewError with a message for the agent, never another exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaselab_desktop.domain.filetypes import sniff
from leaselab_desktop.domain.pdfium_lock import PDFIUM_LOCK
from leaselab_desktop.gui.qt import QtCore, QtGui

_MAX_PIXELS = 40_000_000


class PreviewError(Exception):
    """A message for the agent: why this file cannot be shown."""


@dataclass(frozen=True)
class Rendered:
    width: int
    height: int
    rgba: bytes
    page: int = 0
    pages: int = 1
    # regions the pixel checks call pasted (image pixels), outlined on the preview
    boxes: tuple[tuple[int, int, int, int], ...] = ()
    # rendered pixels per unit of the source: PDF points (the render scale), or 1.0 for an image
    scale: float = 1.0


def render_pdf_page(data: bytes, page: int, target_width: int = 900) -> Rendered:
    """Render one page (0-based) to RGBA. Raises PreviewError with a readable reason."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:  # shared with the analysis threads (domain/pdfium_lock.py)
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text:
                raise PreviewError("This PDF is password-protected and cannot be previewed.") from exc
            raise PreviewError(
                "This PDF could not be opened: the file is damaged or is not a real PDF."
            ) from exc
        try:
            count = len(doc)
            if count == 0:
                raise PreviewError("This PDF has no pages.")
            if not 0 <= page < count:
                raise PreviewError(f"Page {page + 1} does not exist (the PDF has {count} pages).")
            pg = doc[page]
            try:
                width = pg.get_width() or 612
                scale = max(0.2, min(4.0, target_width / width))
                bitmap = pg.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
                try:
                    img = bitmap.to_pil().convert("RGBA")
                finally:
                    bitmap.close()
            finally:
                pg.close()
        except pdfium.PdfiumError as exc:
            raise PreviewError(f"Page {page + 1} of this PDF could not be rendered.") from exc
        finally:
            doc.close()
    return Rendered(img.width, img.height, img.tobytes(), page, count, scale=scale)


def decode_image(data: bytes) -> Rendered:
    """Decode an image, applying its EXIF orientation. Raises PreviewError with a readable reason."""
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    from leaselab_desktop.domain.pixels import eight_bit

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            upright = eight_bit(ImageOps.exif_transpose(im) or im)  # a 16-bit scan is not shown blank
            rgba = upright.convert("RGBA")
            boxes = _patch_boxes(upright)
    except Image.DecompressionBombError as exc:
        raise PreviewError("This image is too large to preview.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PreviewError("This image could not be read: the file is damaged or truncated.") from exc
    return Rendered(rgba.width, rgba.height, rgba.tobytes(), boxes=boxes)


def _patch_boxes(upright: object) -> tuple[tuple[int, int, int, int], ...]:
    import numpy as np

    from leaselab_desktop.backends.document_view import suspicious_regions

    try:
        return tuple(suspicious_regions(np.asarray(upright.convert("RGB"))))  # type: ignore[attr-defined]
    except Exception:  # the outline is an aid; the preview shows the image regardless
        return ()


def render(data: bytes, page: int = 0, target_width: int = 900) -> Rendered:
    """One page of a PDF at about ``target_width`` pixels, or the whole image at its own size."""
    # the same magic-byte rules as the screening pipeline (domain.filetypes)
    kind = sniff(data[:1024])
    if not data:
        raise PreviewError("This file is empty.")
    if kind == "pdf":
        return render_pdf_page(data, page, target_width)
    if kind in ("jpeg", "png", "gif", "tiff", "webp", "bmp", "heic"):
        from leaselab_desktop.backends.document_view import register_image_formats

        register_image_formats()
        return decode_image(data)
    raise PreviewError("No preview is available for this file type.")


def to_pixmap(r: Rendered, *, outline: bool = True) -> QtGui.QPixmap:
    """The page as a pixmap; ``outline`` burns the pasted regions in (the viewer draws its own,
    scaled and labelled, so it passes False)."""
    image = QtGui.QImage(r.rgba, r.width, r.height, r.width * 4, QtGui.QImage.Format.Format_RGBA8888).copy()
    if outline and r.boxes:
        painter = QtGui.QPainter(image)
        pen = QtGui.QPen(QtGui.QColor(220, 30, 30), max(2, r.width // 300))
        painter.setPen(pen)
        for x0, y0, x1, y1 in r.boxes:
            painter.drawRect(QtCore.QRect(x0, y0, x1 - x0, y1 - y0))
        painter.end()
    return QtGui.QPixmap.fromImage(image)
