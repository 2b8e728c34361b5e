"""In-app document preview: PDF pages (pypdfium2) and images (Pillow, EXIF rotation).

Decoding and rendering run in a worker thread (``asyncio.to_thread``); the thread returns raw RGBA
bytes and the GUI thread wraps them in a QImage/QPixmap. A damaged or unsupported file yields a
clear message in the pane, never an exception in the window.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from leaselab_desktop.domain.filetypes import sniff
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner

_MAX_PIXELS = 40_000_000
_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe: one render at a time, process-wide


class PreviewError(Exception):
    """A message for the agent: why this file cannot be shown."""


@dataclass(frozen=True)
class Rendered:
    width: int
    height: int
    rgba: bytes
    page: int = 0
    pages: int = 1


def render_pdf_page(data: bytes, page: int, target_width: int = 900) -> Rendered:
    """Render one page (0-based) to RGBA. Raises PreviewError with a readable reason."""
    import pypdfium2 as pdfium

    with _PDFIUM_LOCK:
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
    return Rendered(img.width, img.height, img.tobytes(), page, count)


def decode_image(data: bytes) -> Rendered:
    """Decode an image, applying its EXIF orientation. Raises PreviewError with a readable reason."""
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            upright = ImageOps.exif_transpose(im) or im
            rgba = upright.convert("RGBA")
    except Image.DecompressionBombError as exc:
        raise PreviewError("This image is too large to preview.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PreviewError("This image could not be read: the file is damaged or truncated.") from exc
    return Rendered(rgba.width, rgba.height, rgba.tobytes())


def render(data: bytes, page: int = 0) -> Rendered:
    # the same magic-byte rules as the screening pipeline (domain.filetypes)
    kind = sniff(data[:1024])
    if not data:
        raise PreviewError("This file is empty.")
    if kind == "pdf":
        return render_pdf_page(data, page)
    if kind in ("jpeg", "png", "gif", "tiff", "webp", "bmp"):
        return decode_image(data)
    raise PreviewError("No preview is available for this file type.")


def to_pixmap(r: Rendered) -> QtGui.QPixmap:
    image = QtGui.QImage(r.rgba, r.width, r.height, r.width * 4, QtGui.QImage.Format.Format_RGBA8888)
    return QtGui.QPixmap.fromImage(image.copy())


class PreviewPane(QtWidgets.QWidget):
    """Shows one document: a page image with page navigation, or a message."""

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.setObjectName("documentPreview")
        self.setAccessibleName("Document preview")
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._data: bytes = b""
        self._name = ""
        self._page = 0
        self._pages = 0
        self._lock = asyncio.Lock()
        self._source = QtGui.QPixmap()

        self.image = QtWidgets.QLabel(self)
        self.image.setObjectName("previewImage")
        self.image.setAccessibleName("Document page")
        self.image.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.scroll_area = QtWidgets.QScrollArea(self)
        self.scroll_area.setWidget(self.image)
        self.scroll_area.setWidgetResizable(True)
        self.message = QtWidgets.QLabel("Select a document to preview it.", self)
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.stack = QtWidgets.QStackedWidget(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.scroll_area)

        self.prev_button = QtWidgets.QToolButton(self)
        self.prev_button.setObjectName("previewPrev")
        self.prev_button.setText("‹ Previous")
        self.prev_button.setAccessibleName("Previous page")
        self.next_button = QtWidgets.QToolButton(self)
        self.next_button.setObjectName("previewNext")
        self.next_button.setText("Next ›")
        self.next_button.setAccessibleName("Next page")
        self.page_label = QtWidgets.QLabel("", self)
        self.page_label.setObjectName("previewPage")
        nav = QtWidgets.QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label, 1, QtCore.Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack, 1)
        self.stack.setMinimumHeight(300)
        lay.addLayout(nav)
        self.prev_button.clicked.connect(lambda: self._request(self._page - 1))
        self.next_button.clicked.connect(lambda: self._request(self._page + 1))
        self.show_message("Select a document to preview it.")

    def _request(self, page: int) -> None:
        self._tasks.spawn(self.go_to(page), what="show the page")

    # The async entry points; callers spawn them through the TaskRunner.
    async def show_document(self, name: str, data: bytes) -> None:
        self._name, self._data, self._page, self._pages = name, data, 0, 0
        await self._render()

    async def go_to(self, page: int) -> None:
        if not self._data or not 0 <= page < self._pages:
            return
        self._page = page
        await self._render()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._pages = 0
        self._update_nav()

    @property
    def page(self) -> int:
        return self._page

    @property
    def pages(self) -> int:
        return self._pages

    @property
    def pixmap(self) -> QtGui.QPixmap:
        return self._source

    async def _render(self) -> None:
        data, page, name = self._data, self._page, self._name
        self.message.setText(f"Loading {name}…")
        async with self._lock:
            try:
                result = await asyncio.to_thread(render, data, page)
            except PreviewError as exc:
                if data is self._data:
                    self.show_message(f"{name}: {exc}")
                return
        if data is not self._data:  # another document was selected meanwhile
            return
        self._pages = result.pages
        self._source = to_pixmap(result)
        self.stack.setCurrentWidget(self.scroll_area)
        self._fit()
        self._update_nav()

    def _fit(self) -> None:
        if self._source.isNull():
            return
        avail = max(100, self.stack.width() - self.scroll_area.verticalScrollBar().sizeHint().width() - 6)
        shown = self._source
        if shown.width() > avail:
            shown = shown.scaledToWidth(avail, QtCore.Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(shown)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        """PageUp/PageDown (and Left/Right) turn pages when the preview has focus."""
        back = (QtCore.Qt.Key.Key_PageUp, QtCore.Qt.Key.Key_Left)
        forward = (QtCore.Qt.Key.Key_PageDown, QtCore.Qt.Key.Key_Right)
        if self._pages > 1 and event.key() in back + forward:
            self._request(self._page + (-1 if event.key() in back else 1))
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _update_nav(self) -> None:
        multi = self._pages > 1
        self.prev_button.setVisible(multi)
        self.next_button.setVisible(multi)
        self.prev_button.setEnabled(multi and self._page > 0)
        self.next_button.setEnabled(multi and self._page < self._pages - 1)
        self.page_label.setText(f"Page {self._page + 1} of {self._pages}" if multi else "")
