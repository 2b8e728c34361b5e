"""Lead detail: facts, documents list, PDF/image preview, history, and their error states."""

from __future__ import annotations

from datetime import UTC

from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture


def _fact(ws, key: str) -> str:
    return ws.findChild(QtWidgets.QLabel, f"fact_{key}").text()


async def test_detail_shows_facts_documents_history_and_result(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        assert ws.detail.name.text() == "Ada Okafor"
        assert _fact(ws, "income") == "$5,200.00"
        assert _fact(ws, "rent") == "$1,850.00"
        assert _fact(ws, "ratio") == "36% of income"
        assert _fact(ws, "employment") == "Employed · Northwind Traders"
        assert _fact(ws, "tenure").startswith("Apr 1, 2026 (")
        assert "ada@example.com" in _fact(ws, "contact")
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        rows = [[tree.topLevelItem(i).text(c) for c in range(4)] for i in range(tree.topLevelItemCount())]
        assert [r[0] for r in rows] == ["paystub.pdf", "id.jpg", "broken.pdf"]
        assert rows[0][1] == "Paystub" and rows[0][2].endswith("KB") and rows[0][3] == "Nov 20, 2026"
        history = ws.findChild(QtWidgets.QListWidget, "evaluationHistory")
        assert history.count() == 1 and "72 B" in history.item(0).text()
        assert ws.findChild(QtWidgets.QLabel, "scoreValue").text() == "72"
        assert ws.findChild(QtWidgets.QLabel, "labelBadge").text() == "Label B"


async def test_pdf_preview_renders_pages_with_navigation(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        preview = ws.detail.documents.preview
        tree.setCurrentItem(tree.topLevelItem(0))
        await until(lambda: preview.pages == 2 and not preview.pixmap.isNull())
        assert preview.page_label.text() == "Page 1 of 2"
        assert not preview.prev_button.isEnabled() and preview.next_button.isEnabled()
        first = preview.pixmap.toImage()
        preview.next_button.click()
        await until(lambda: preview.page == 1 and preview.page_label.text() == "Page 2 of 2")
        await until(lambda: preview.pixmap.toImage() != first)
        assert preview.prev_button.isEnabled() and not preview.next_button.isEnabled()
        # a real rendering: the page is mostly white with dark text pixels
        img = preview.pixmap.toImage()
        dark = sum(1 for x in range(0, img.width(), 7) for y in range(0, img.height() // 3, 7)
                   if QtGui.QColor(img.pixel(x, y)).lightness() < 100)
        assert dark > 5


async def test_image_preview_applies_exif_rotation(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        preview = ws.detail.documents.preview
        tree.setCurrentItem(tree.topLevelItem(1))
        await until(lambda: not preview.pixmap.isNull() and preview.pixmap.height() == 120)
        img = preview.pixmap.toImage()
        assert (img.width(), img.height()) == (60, 120)  # stored 120x60, EXIF orientation 6
        top, bottom = QtGui.QColor(img.pixel(30, 15)), QtGui.QColor(img.pixel(30, 105))
        assert top.red() > 180 and top.green() < 80  # the red (left) half is now on top
        assert bottom.lightness() > 200
        assert not preview.prev_button.isVisible()


async def test_corrupt_pdf_shows_a_clear_message(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        tree.setCurrentItem(tree.topLevelItem(2))
        msg = ws.findChild(QtWidgets.QLabel, "previewMessage")
        await until(lambda: "damaged" in msg.text())
        assert msg.text().startswith("broken.pdf:")
        assert msg.isVisible()


async def test_unsupported_and_truncated_files_do_not_crash(tasks, until, tmp_path) -> None:
    backend = FakeBackend()
    from leaselab_desktop.domain.models import LeadFile

    jpeg = backend.files["lead_1"][1][1]
    backend.files["lead_2"] = [
        (LeadFile(id="x1", lead_id="lead_2", file_name="notes.docx"), b"PK\x03\x04 word"),
        (LeadFile(id="x2", lead_id="lead_2", file_name="cut.jpg"), jpeg[:200]),
    ]
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        msg = ws.findChild(QtWidgets.QLabel, "previewMessage")
        tree.setCurrentItem(tree.topLevelItem(0))
        await until(lambda: "No preview is available" in msg.text())
        tree.setCurrentItem(tree.topLevelItem(1))
        await until(lambda: "could not be read" in msg.text())


async def test_backend_down_shows_an_error_not_a_crash(tasks, until) -> None:
    backend = FakeBackend()
    backend.down = True
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_1")
        msg = ws.findChild(QtWidgets.QLabel, "workspaceMessage")
        await until(lambda: "Could not load the lead" in msg.text())
        assert "cannot be reached" in msg.text()
        assert ws.detail.name.text() == "Lead unavailable"
        assert not ws.findChild(QtWidgets.QFrame, "resultCard").findChild(
            QtWidgets.QLabel, "scoreValue").text()


async def test_unknown_lead_says_not_found(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_missing")
        msg = ws.findChild(QtWidgets.QLabel, "workspaceMessage")
        await until(lambda: "was not found" in msg.text())


async def test_selecting_history_shows_that_evaluation(tasks, until) -> None:
    from tests.gui.fakes import sample_evaluation

    backend = FakeBackend()
    later = QtCore.QDateTime.currentDateTimeUtc().toPython().replace(tzinfo=UTC)  # Qt gives it naive
    backend.evaluations["lead_1"].append(sample_evaluation("lead_1", 91, 2, later))
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        score = ws.findChild(QtWidgets.QLabel, "scoreValue")
        history = ws.findChild(QtWidgets.QListWidget, "evaluationHistory")
        assert history.count() == 2 and score.text() == "91"  # newest first and shown
        history.setCurrentRow(1)
        assert score.text() == "72"
        assert ws.findChild(QtWidgets.QLabel, "labelBadge").text() == "Label B"


async def test_page_keys_turn_pdf_pages(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.detail.lead is not None)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        preview = ws.detail.documents.preview
        tree.setCurrentItem(tree.topLevelItem(0))
        await until(lambda: preview.pages == 2)
        for key, page in ((QtCore.Qt.Key.Key_PageDown, 1), (QtCore.Qt.Key.Key_PageDown, 1),
                          (QtCore.Qt.Key.Key_PageUp, 0)):
            event = QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, key, QtCore.Qt.KeyboardModifier.NoModifier)
            QtWidgets.QApplication.sendEvent(preview, event)
            await until(lambda p=page: preview.page == p and preview.page_label.text() == f"Page {p + 1} of 2")
