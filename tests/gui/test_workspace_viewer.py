"""The document viewer: fit width, zoom (buttons, Ctrl+wheel, keys), pages, a sharper render when
zoomed, "Open in another app", evidence outlined on the page, names elided in the middle; the
result header that does not scroll; a new run scrolled into view."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.domain.models import LeadFile, Signal
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.workspace.viewer import ZOOM_STEPS, DocumentViewer
from leaselab_desktop.gui.workspace.viewer_parts import ElidedLabel, mark_tooltip
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "files"
TWO_PAGES = CORPUS / "bank" / "bank_ca_5col_forged_page2_discontinuity.pdf"  # a statement we did not make
LONG_NAME = "paystub_northwind_traders_2026-10-09_original_scan_from_employer_portal.pdf"


def _png(width: int = 400, height: int = 300) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (240, 240, 235)).save(buf, "PNG")
    return buf.getvalue()


def _pasted(document: str) -> Signal:
    return Signal(code="pasted_region", severity="low", document=document,
                  evidence="The region x 100–300, y 50–150 (pixels of the upright image) has a noise level of "
                           "0.10 against 1.20 for the rest of the image.",
                  message="Part of the image looks pasted in.")


@pytest.fixture
async def viewer(tasks: Any, tmp_path: Path) -> Any:
    opened: list[Path] = []
    v = DocumentViewer(tasks, opener=opened.append, open_dir=tmp_path / "open")
    v.opened = opened  # type: ignore[attr-defined]
    v.resize(900, 700)
    v.show()
    yield v
    await tasks.cancel_all()
    v.close()
    v.deleteLater()


def _wheel(widget: QtWidgets.QWidget, steps: int, ctrl: bool = True) -> None:
    mods = QtCore.Qt.KeyboardModifier.ControlModifier if ctrl else QtCore.Qt.KeyboardModifier.NoModifier
    pos = QtCore.QPointF(50, 50)
    event = QtGui.QWheelEvent(pos, widget.mapToGlobal(pos), QtCore.QPoint(), QtCore.QPoint(0, 120 * steps),
                              QtCore.Qt.MouseButton.NoButton, mods, QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(widget, event)


def _key(widget: QtWidgets.QWidget, key: QtCore.Qt.Key, ctrl: bool = False) -> None:
    mods = QtCore.Qt.KeyboardModifier.ControlModifier if ctrl else QtCore.Qt.KeyboardModifier.NoModifier
    QtWidgets.QApplication.sendEvent(widget, QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, key, mods))


async def test_pdf_fits_the_width_zooms_and_turns_pages(viewer: Any, until: Any) -> None:
    await viewer.show_document(TWO_PAGES.name, TWO_PAGES.read_bytes())
    assert viewer.pages >= 2 and viewer.page_label.text() == f"Page 1 of {viewer.pages}"
    # fit width: the page fills the viewport's width, not a 270 px thumbnail
    area = viewer.scroll_area.viewport().width()
    assert viewer.fitting and area - 40 <= viewer.canvas.display_width <= area
    assert viewer.fit_button.isChecked()
    fit = viewer.zoom
    viewer.zoom_in_button.click()
    assert not viewer.fitting and viewer.zoom == pytest.approx(min(z for z in ZOOM_STEPS if z > fit + 0.005), 0.01)
    assert viewer.zoom_label.text() == f"{round(viewer.zoom * 100)} %"
    before = viewer.zoom
    _wheel(viewer.scroll_area.viewport(), +1)  # Ctrl+wheel zooms, it does not scroll
    assert viewer.zoom > before
    _wheel(viewer.scroll_area.viewport(), -1)
    _wheel(viewer.scroll_area.viewport(), -1)
    assert viewer.zoom < before
    # zoomed far in, the page is rendered again, sharper (more pixels than the first render)
    first_width = viewer.pixmap.width()
    viewer.set_zoom(3.0)
    await until(lambda: viewer.pixmap.width() > first_width * 1.5)
    _key(viewer, QtCore.Qt.Key.Key_0, ctrl=True)
    assert viewer.fitting
    _key(viewer, QtCore.Qt.Key.Key_End)
    await until(lambda: viewer.page_label.text() == f"Page {viewer.pages} of {viewer.pages}")
    assert not viewer.next_button.isEnabled() and viewer.prev_button.isEnabled()
    _key(viewer, QtCore.Qt.Key.Key_Home)
    await until(lambda: viewer.page == 0)
    for widget in (viewer.zoom_in_button, viewer.zoom_out_button, viewer.fit_button, viewer.open_button,
                   viewer.prev_button, viewer.next_button, viewer.title, viewer.canvas, viewer.documents_button):
        assert widget.accessibleName(), widget.objectName()


async def test_evidence_is_outlined_scaled_with_a_numbered_legend(viewer: Any) -> None:
    from leaselab_desktop.domain.evidence import marks_for

    name = "photo_id.png"
    await viewer.show_document(name, _png(), marks_for([_pasted(name), _pasted("other.png")], name))
    (placed,) = viewer.canvas.placed_marks()
    factor = viewer.canvas.display_width / 400
    assert placed.rect.left() == pytest.approx(100 * factor) and placed.rect.width() == pytest.approx(200 * factor)
    assert placed.rect.top() == pytest.approx(50 * factor) and placed.rect.height() == pytest.approx(100 * factor)
    assert viewer.legend.isVisible() and "Part of the image looks pasted in." in viewer.legend.text()
    assert mark_tooltip(placed).startswith("1. Part of the image looks pasted in.")
    assert "noise level" in mark_tooltip(placed)
    # drawn on screen in red, where the box is
    image = viewer.canvas.grab().toImage()
    y = round(placed.rect.center().y())
    edge = max((image.pixelColor(x, y) for x in range(round(placed.rect.left()) - 2, round(placed.rect.left()) + 3)),
               key=lambda c: c.red() - c.green())
    assert edge.red() > 180 and edge.green() < 90
    viewer.set_zoom(2.0)  # the box follows the zoom
    (zoomed,) = viewer.canvas.placed_marks()
    assert zoomed.rect.width() == pytest.approx(200 * viewer.canvas.display_width / 400)
    viewer.set_marks([])
    assert not viewer.canvas.placed_marks() and not viewer.legend.isVisible()


async def test_a_scanned_pdf_pages_pasted_amount_is_outlined_where_it_is(viewer: Any, until: Any) -> None:
    """A copier's image-only statement (corpus, not ours) with amounts pasted on both pages: the
    real pixel check's signal is drawn on the page it names, over the pasted amount, in points."""
    from leaselab_desktop.domain.evidence import marks_for
    from leaselab_desktop.screening.documents import analyse_file
    from leaselab_desktop.screening.signals.image_forensics import image_forensic_signals

    path = CORPUS / "scans" / "bank_us_paren_forged_pasted_patch_image_pdf.pdf"
    data = path.read_bytes()
    facts = analyse_file("f", path.name, "bank_statement", data)
    signals = [s for s in image_forensic_signals(facts) if s.code == "pasted_region"]
    assert [s.severity for s in signals] == ["medium"] and "(points of page 1" in signals[0].evidence
    await viewer.show_document(path.name, data, marks_for(signals, path.name))
    await until(lambda: bool(viewer.canvas.placed_marks()))
    marks = viewer.canvas.placed_marks()
    # the box is where the recorded points say, scaled to the page as drawn
    x0, y0, x1, _ = (int(v) for v in facts.metadata["forensic_patch_box"].split(","))
    per_point = viewer.canvas.display_width / 612  # a US Letter page, 612 points wide
    assert marks[0].rect.left() == pytest.approx(x0 * per_point, abs=2)
    assert marks[0].rect.top() == pytest.approx(y0 * per_point, abs=2)
    assert x1 > 612 * 0.75  # on the right-hand money column, where the pasted amount is
    _key(viewer, QtCore.Qt.Key.Key_End)  # page 2's paste is not claimed by page 1's signal
    await until(lambda: viewer.page == 1 and not viewer.canvas.placed_marks())
    _key(viewer, QtCore.Qt.Key.Key_Home)
    await until(lambda: viewer.page == 0 and bool(viewer.canvas.placed_marks()))
    if os.environ.get("LEASELAB_SHOTS"):
        viewer.grab().save(str(Path(os.environ["LEASELAB_SHOTS"]) / "viewer-scanned-pdf-pasted.png"))


async def test_open_in_another_app_writes_a_private_copy(viewer: Any, until: Any) -> None:
    data = TWO_PAGES.read_bytes()
    await viewer.show_document("statement: 2026/10.pdf", data)
    viewer.open_button.click()
    await until(lambda: viewer.opened)
    (path,) = viewer.opened
    assert path.read_bytes() == data and path.name == "statement_ 2026_10.pdf"  # no folder from the name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stale = path.parent / "last_week.pdf"
    stale.write_bytes(b"%PDF old copy")
    os.utime(stale, (time.time() - 8 * 86400,) * 2)
    viewer.open_button.click()
    await until(lambda: len(viewer.opened) == 2)
    assert not stale.exists() and path.exists()  # old decrypted copies are not kept

    def refuse(_p: Path) -> None:
        raise OSError("xdg-open is not installed")

    viewer._opener = refuse
    assert await viewer.open_externally() is None
    assert "could not be opened in another app" in viewer.legend.text() and viewer.legend.isVisible()
    viewer.clear("No document")
    assert not viewer.open_button.isEnabled() and viewer.title.full_text() == ""


async def test_bad_documents_say_why(viewer: Any) -> None:
    await viewer.show_document("broken.pdf", b"%PDF-1.7\nnot really")
    assert viewer.stack.currentWidget() is viewer.message and "damaged" in viewer.message.text()
    assert not viewer.zoom_in_button.isEnabled()
    _wheel(viewer.scroll_area.viewport(), +1)  # nothing to zoom: no error
    await viewer.show_document("notes.txt", b"just text")
    assert "No preview is available" in viewer.message.text()


def test_elided_label_keeps_both_ends_and_the_full_name(qapp: Any) -> None:
    label = ElidedLabel(LONG_NAME)
    label.show()
    label.resize(160, 20)
    shown = label.text()
    assert "…" in shown and shown.startswith("pay") and shown.endswith(".pdf")
    assert label.toolTip() == LONG_NAME and label.full_text() == LONG_NAME
    label.resize(label.sizeHint().width() + 10, 20)
    assert label.text() == LONG_NAME
    label.deleteLater()


async def test_workspace_viewer_header_and_run_reveal(tasks: Any, until: Any) -> None:
    fake = FakeBackend()
    pdf = TWO_PAGES.read_bytes()
    fake.files["lead_1"].append((LeadFile(id="file_9", lead_id="lead_1", file_type="paystub", file_name=LONG_NAME,
                                          mime_type="application/pdf", file_size=len(pdf)), pdf))
    fake.evaluations["lead_1"][0].signals.append(_pasted("id.jpg"))
    async with open_workspace(fake, tasks, size=(1300, 860)) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None and ws.card.evaluation is not None)
        # the header holds the actions, outside the scrolling result
        header = ws.header
        assert header.isVisible() and "72" in header.summary.text()
        for button in (ws.card.override_button, ws.card.export_button):
            assert header.isAncestorOf(button) and not ws.result_scroll.isAncestorOf(button)
        # full names: the list elides in the middle and keeps the name in the tooltip
        tree = ws.detail.documents.tree
        assert tree.textElideMode() == QtCore.Qt.TextElideMode.ElideMiddle
        item = tree.topLevelItem(3)
        assert item.text(0) == LONG_NAME and item.toolTip(0) == LONG_NAME
        tree.setCurrentItem(item)
        await until(lambda: ws.viewer.name == LONG_NAME and not ws.viewer.pixmap.isNull())
        assert ws.panes.current_pane() is ws.viewer
        assert ws.viewer.title.toolTip() == LONG_NAME
        # the image the evaluation's signal is about gets its box; another document does not
        assert not ws.viewer.canvas.placed_marks()
        ws.viewer.document_chosen.emit(1)  # the viewer's Documents menu
        await until(lambda: ws.viewer.name == "id.jpg" and not ws.viewer.pixmap.isNull())
        assert [p.mark.title for p in ws.viewer.canvas.placed_marks()] == ["Part of the image looks pasted in."]
        # a new run: the evaluation comes to the front, scrolled to its top (banner, status, steps)
        ws.panes.show_pane(ws.evaluation_page)
        await until(lambda: ws.result_scroll.verticalScrollBar().maximum() > 0)
        ws.result_scroll.verticalScrollBar().setValue(ws.result_scroll.verticalScrollBar().maximum())
        ws.panes.show_pane(ws.viewer)
        assert ws.run_current()
        await until(lambda: fake.start_calls)
        await until(lambda: ws.panel.timeline.isVisible())
        assert ws.panes.current_pane() is ws.evaluation_page
        assert ws.result_scroll.verticalScrollBar().value() == 0
        await until(lambda: not ws.panel.busy, timeout=15)


async def test_viewer_screenshots(tasks: Any, tmp_path: Path) -> None:
    from leaselab_desktop.gui.workspace.viewer_screenshots import render_viewer_states

    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        shots = await render_viewer_states(ws, tmp_path)
        names = [p.name for p in shots]
        assert names[:4] == ["vw-01-viewer-fit-width-1600.png", "vw-02-viewer-zoom-150-1600.png",
                             "vw-03-viewer-image-evidence-1600.png", "vw-04-header-stays-1600.png"]
        assert "vw-06-layout-1024x700.png" in names
        image = QtGui.QImage(str(shots[0]))
        assert (image.width(), image.height()) == (1600, 1000)


async def test_header_shows_an_override_that_loads_after_the_card(tasks: Any, until: Any) -> None:
    """The override trail arrives after the evaluation: the header repeats the final decision."""
    fake = FakeBackend()
    ev = fake.evaluations["lead_1"][0]
    await fake.override(ev.evaluation_id, "reject", "Landlord reference contradicts the application.")
    async with open_workspace(fake, tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: "(overridden)" in ws.card.recommendation_chip.text())
        await until(lambda: "Reject (overridden)" in ws.header.summary.text())
