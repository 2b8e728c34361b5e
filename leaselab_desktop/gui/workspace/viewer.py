"""The document viewer: one page at a time, fit to the width or zoomed (buttons, Ctrl+wheel,
Ctrl+plus/minus, Ctrl+0), page navigation (buttons, PageUp/PageDown, arrows, Home/End), "Open in
another app", and signal evidence outlined on the page with a numbered legend.

Pages are decoded and rendered in a worker thread (``preview.render`` through ``asyncio.to_thread``);
a zoom beyond the rendered resolution asks for a sharper render of the same page. A damaged or
unsupported file shows a clear message in the pane, never an exception in the window.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from leaselab_desktop import platforms
from leaselab_desktop.domain.evidence import EvidenceMark
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.preview import PreviewError, Rendered, render, to_pixmap
from leaselab_desktop.gui.workspace.viewer_parts import ElidedLabel, PageCanvas, write_for_opening

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
_MAX_RENDER_WIDTH = 4000
_PASTED = "Part of the image looks pasted in."
Opener = Callable[[Path], None]


class DocumentViewer(QtWidgets.QWidget):
    """Shows one document; ``show_document`` / ``go_to`` are awaited through the TaskRunner."""

    document_chosen = Signal(int)  # a row of the lead's document list, picked in the viewer's menu

    def __init__(
        self,
        tasks: TaskRunner,
        parent: QtWidgets.QWidget | None = None,
        *,
        opener: Opener = platforms.open_externally,
        open_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._opener = opener
        self._open_dir = open_dir or Path(tempfile.gettempdir()) / "leaselab-open"
        self.setObjectName("documentPreview")
        self.setAccessibleName("Document viewer")
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._data, self._name = b"", ""
        self._page = self._pages = 0
        self._fit = True
        self._zoom = 1.0
        self._natural_width = 0.0  # the page at 100 %, in screen pixels
        self._rendered: Rendered | None = None
        self._source = QtGui.QPixmap()
        self._marks: list[EvidenceMark] = []
        self._lock = asyncio.Lock()
        self._ticket = 0  # renders queued behind the lock: only the newest one runs
        self._build()
        self.show_message("Select a document to see it here.")

    # ------------------------------------------------------------------ construction
    def _tool(self, name: str, text: str, accessible: str, tip: str) -> QtWidgets.QToolButton:
        b = QtWidgets.QToolButton(self)
        b.setObjectName(name)
        b.setText(text)
        b.setAccessibleName(accessible)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        return b

    def _build(self) -> None:
        self.title = ElidedLabel("", self)
        self.title.setObjectName("previewTitle")
        self.title.setAccessibleName("Document name")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.documents_button = QtWidgets.QToolButton(self)
        self.documents_button.setObjectName("previewDocuments")
        self.documents_button.setText("Documents")
        self.documents_button.setAccessibleName("Choose another document of this lead")
        self.documents_button.setToolTip("Show another document of this lead")
        self.documents_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.documents_menu = QtWidgets.QMenu(self.documents_button)
        self.documents_menu.setObjectName("previewDocumentsMenu")
        self.documents_button.setMenu(self.documents_menu)
        self.documents_button.hide()
        self.open_button = QtWidgets.QPushButton("Open in another app", self)
        self.open_button.setObjectName("previewOpenExternally")
        self.open_button.setAccessibleName("Open the document in another app")
        self.open_button.setToolTip("Open this document in the computer's default app for its type")
        self.open_button.clicked.connect(lambda _c=False: self.request_open_externally())
        self.prev_button = self._tool("previewPrev", "‹ Previous", "Previous page", "Previous page (Page Up)")
        self.next_button = self._tool("previewNext", "Next ›", "Next page", "Next page (Page Down)")
        self.page_label = QtWidgets.QLabel("", self)
        self.page_label.setObjectName("previewPage")
        self.page_label.setAccessibleName("Page number")
        self.zoom_out_button = self._tool("previewZoomOut", "−", "Zoom out", "Zoom out (Ctrl+minus, Ctrl+wheel)")
        self.zoom_in_button = self._tool("previewZoomIn", "+", "Zoom in", "Zoom in (Ctrl+plus, Ctrl+wheel)")
        self.zoom_label = QtWidgets.QLabel("", self)
        self.zoom_label.setObjectName("previewZoom")
        self.zoom_label.setAccessibleName("Zoom")
        self.fit_button = self._tool("previewFitWidth", "Fit width", "Fit the page to the width",
                                     "Fit the page to the width (Ctrl+0)")
        self.fit_button.setCheckable(True)
        self.prev_button.clicked.connect(lambda: self._request(self._page - 1))
        self.next_button.clicked.connect(lambda: self._request(self._page + 1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(1))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(-1))
        self.fit_button.clicked.connect(lambda _c=False: self.fit_width())

        self.legend = QtWidgets.QLabel("", self)
        self.legend.setObjectName("previewLegend")
        self.legend.setAccessibleName("Outlined on the page")
        self.legend.setWordWrap(True)
        self.canvas = PageCanvas(self)
        self.scroll_area = QtWidgets.QScrollArea(self)
        self.scroll_area.setObjectName("previewScroll")
        self.scroll_area.setAccessibleName("Document page area")
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(False)
        self.scroll_area.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.viewport().installEventFilter(self)
        self.message = QtWidgets.QLabel("", self)
        self.message.setObjectName("previewMessage")
        self.message.setAccessibleName("Viewer message")
        self.message.setWordWrap(True)
        self.message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.stack = QtWidgets.QStackedWidget(self)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.scroll_area)
        self.stack.setMinimumHeight(200)
        self._lay_out()

    def _lay_out(self) -> None:
        bar = QtWidgets.QHBoxLayout()  # one row: name, pages, zoom, other documents, open
        bar.addWidget(self.title, 1)
        widgets: list[QtWidgets.QWidget] = [self.prev_button, self.page_label, self.next_button]
        for w in widgets:
            bar.addWidget(w)
        bar.addSpacing(8)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button,
                  self.documents_button, self.open_button):
            bar.addWidget(w)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.legend)
        lay.addWidget(self.stack, 1)

    # ------------------------------------------------------------------ public state
    @property
    def page(self) -> int:
        return self._page

    @property
    def pages(self) -> int:
        return self._pages

    @property
    def pixmap(self) -> QtGui.QPixmap:
        """The rendered page, without outlines, at its rendered resolution."""
        return self._source

    @property
    def name(self) -> str:
        return self._name

    @property
    def zoom(self) -> float:
        """The shown size against the page's natural size (1.0 = 100 %)."""
        if self._natural_width <= 0:
            return 1.0
        return self.canvas.display_width / self._natural_width

    @property
    def fitting(self) -> bool:
        return self._fit

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._pages = 0
        self._update_controls()

    def set_documents(self, names: list[str]) -> None:
        """The lead's documents, offered in the viewer so another one opens without leaving it."""
        self.documents_menu.clear()
        for row, name in enumerate(names):
            action = self.documents_menu.addAction(name)
            action.triggered.connect(lambda _c=False, r=row: self.document_chosen.emit(r))
        self.documents_button.setVisible(len(names) > 1)

    def clear(self, text: str) -> None:
        """No document: forget the shown one (so "Open in another app" cannot open a stale file)."""
        self._data, self._name, self._rendered, self._marks = b"", "", None, []
        self._source = QtGui.QPixmap()
        self.title.set_full_text("")
        self.show_message(text)

    def set_marks(self, marks: list[EvidenceMark]) -> None:
        """The evidence to outline on this document (all pages); redrawn at once."""
        self._marks = list(marks)
        if self._rendered is not None:
            self._place_page(self._rendered)

    # ------------------------------------------------------------------ loading
    def _request(self, page: int) -> None:
        self._tasks.spawn(self.go_to(page), what="show the page")

    async def show_document(self, name: str, data: bytes, marks: list[EvidenceMark] | None = None) -> None:
        self._name, self._data, self._page, self._pages = name, data, 0, 0
        self._marks = list(marks or [])
        self._rendered, self._source = None, QtGui.QPixmap()  # the old page stays painted until then
        self.title.set_full_text(name)
        await self._render()

    async def go_to(self, page: int) -> None:
        if not self._data or not 0 <= page < self._pages or page == self._page:
            return
        self._page = page
        await self._render()
        self.scroll_area.verticalScrollBar().setValue(0)

    def _wanted_width(self) -> int:
        ratio = self.devicePixelRatioF() or 1.0
        return int(min(_MAX_RENDER_WIDTH, max(900, self._display_width_for() * ratio)))

    async def _render(self) -> None:
        data, page, name = self._data, self._page, self._name
        self._ticket += 1
        ticket = self._ticket
        if self.stack.currentWidget() is self.message:
            self.message.setText(f"Loading {name}…")
        async with self._lock:
            if ticket != self._ticket:
                return  # a newer request (another page, a further zoom) replaced this one while it waited
            try:
                result = await asyncio.to_thread(render, data, page, self._wanted_width())
            except PreviewError as exc:
                if data is self._data:
                    self.show_message(f"{name}: {exc}")
                return
        if data is not self._data or page != self._page:
            return  # another document or page was chosen meanwhile
        self._pages = result.pages
        self._rendered = result
        self._source = to_pixmap(result, outline=False)
        # 100 % is the paper's size on a 96-dpi screen for a PDF, the image's own pixels otherwise
        self._natural_width = result.width / result.scale * 96 / 72 if result.scale != 1.0 else result.width
        self.stack.setCurrentWidget(self.scroll_area)
        self._place_page(result)
        self._update_controls()

    async def _sharpen(self) -> None:
        """Zoomed past the rendered resolution (PDF only): render the page again, larger."""
        r = self._rendered
        if r is None or r.scale == 1.0 or r.scale >= 4.0 or self._wanted_width() <= r.width * 1.1:
            return
        await self._render()

    # ------------------------------------------------------------------ drawing and zoom
    def _page_marks(self, r: Rendered) -> list[tuple[int, EvidenceMark]]:
        """Numbered marks on this page: the signals' and, for an image, the pixel check's own."""
        marks = list(self._marks)
        for x0, y0, x1, y1 in r.boxes:
            box = (float(x0), float(y0), float(x1), float(y1))
            if not any(m.unit == "px" and _overlaps(m.box, box) for m in marks):
                marks.append(EvidenceMark(0, box, "px", _PASTED, "Found by the pixel check when the "
                                          "document was opened: this region has none of the camera's or "
                                          "scanner's noise, or is whiter than the paper it sits on."))
        return [(n, m) for n, m in enumerate(marks, 1) if m.page == r.page]

    def _place_page(self, r: Rendered) -> None:
        numbered = self._page_marks(r)
        self.canvas.set_page(self._source, r.scale, numbered)
        self._apply_zoom()
        if numbered:
            lines = [f"<b>{n}</b>&nbsp;{escape(m.title)}" for n, m in numbered]
            self.legend.setText("Outlined in red on this page: " + " · ".join(lines)
                                + " <i>(point at a box for the details)</i>")
            self.legend.setToolTip("\n\n".join(f"{n}. {m.title}\n{m.detail}" for n, m in numbered))
        else:
            self.legend.setText("")
            self.legend.setToolTip("")
        self.legend.setVisible(bool(numbered))

    def _display_width_for(self) -> int:
        if self._fit or self._natural_width <= 0:
            bar = self.scroll_area.verticalScrollBar().sizeHint().width()
            return max(100, self.scroll_area.viewport().width() - bar - 4) if self._fit else 900
        return max(50, round(self._natural_width * self._zoom))

    def _apply_zoom(self) -> None:
        if self._source.isNull():
            return
        self.canvas.set_display_width(self._display_width_for())
        self._update_controls()

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self._zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        self._apply_zoom()
        self._tasks.spawn(self._sharpen(), what="render the page sharper")

    def zoom_by(self, steps: int) -> None:
        """One zoom step in (+1) or out (-1) from the size shown now (fit width included)."""
        now = self.zoom
        if steps > 0:
            target = next((z for z in ZOOM_STEPS if z > now + 0.005), ZOOM_STEPS[-1])
        else:
            target = next((z for z in reversed(ZOOM_STEPS) if z < now - 0.005), ZOOM_STEPS[0])
        self.set_zoom(target)

    def fit_width(self) -> None:
        self._fit = True
        self._apply_zoom()
        self._tasks.spawn(self._sharpen(), what="render the page sharper")

    # ------------------------------------------------------------------ open in another app
    def request_open_externally(self) -> None:
        if self._data:
            self._tasks.spawn(self.open_externally(), what="open the document in another app")

    async def open_externally(self) -> Path | None:
        name, data = self._name, self._data
        if not data:
            return None
        try:
            path = await asyncio.to_thread(write_for_opening, self._open_dir, name, data)
            await asyncio.to_thread(self._opener, path)
        except OSError as exc:
            self.legend.setText(f"{name} could not be opened in another app: {escape(str(exc))}")
            self.legend.setVisible(True)
            return None
        return path

    # ------------------------------------------------------------------ input
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if (event.type() == QtCore.QEvent.Type.Wheel and isinstance(event, QtGui.QWheelEvent)
                and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier):
            delta = event.angleDelta().y()
            if delta and not self._source.isNull():
                self.zoom_by(1 if delta > 0 else -1)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        """PageUp/PageDown, Left/Right, Home/End turn pages; Ctrl+plus/minus/0 zoom."""
        key, ctrl = QtCore.Qt.Key(event.key()), bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
        keys = QtCore.Qt.Key
        target = {keys.Key_PageUp: self._page - 1, keys.Key_Left: self._page - 1, keys.Key_PageDown: self._page + 1,
                  keys.Key_Right: self._page + 1, keys.Key_Home: 0, keys.Key_End: self._pages - 1}.get(key)
        if ctrl and key in (keys.Key_Plus, keys.Key_Equal, keys.Key_Minus, keys.Key_0):
            if key == keys.Key_0:
                self.fit_width()
            else:
                self.zoom_by(-1 if key == keys.Key_Minus else 1)
        elif self._pages > 1 and target is not None and not ctrl:
            self._request(max(0, min(self._pages - 1, target)))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self._apply_zoom()

    def _update_controls(self) -> None:
        shown = self._pages > 0
        multi = self._pages > 1
        for b in (self.prev_button, self.next_button):
            b.setVisible(multi)
        self.prev_button.setEnabled(multi and self._page > 0)
        self.next_button.setEnabled(multi and self._page < self._pages - 1)
        self.page_label.setText(f"Page {self._page + 1} of {self._pages}" if multi else "")
        for w in (self.zoom_in_button, self.zoom_out_button, self.zoom_label, self.fit_button):
            w.setEnabled(shown)
        self.open_button.setEnabled(bool(self._data))
        self.fit_button.setChecked(self._fit)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %" if shown else "")
        if not shown:
            self.legend.hide()


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])
