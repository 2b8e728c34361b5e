"""Intake on the local backend: New lead dialog, file picker, drag-and-drop; refused elsewhere."""

from __future__ import annotations

from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from tests.gui.fakes import (  # noqa: F401 - the autouse fixture
    FakeBackend,
    collect_garbage_on_gui_thread,
    drop_files,
    make_pdf,
    open_workspace,
)


async def test_drag_and_drop_attaches_files(tasks, until, tmp_path) -> None:
    backend = FakeBackend()
    pdf = tmp_path / "paystub_2026-11.pdf"
    pdf.write_bytes(make_pdf(1))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    changed: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.lead_changed.connect(changed.append)
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        panel = ws.detail.documents
        assert panel.acceptDrops()
        event = drop_files(panel, [pdf, empty])
        assert event.isAccepted()
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        await until(lambda: tree.topLevelItemCount() == 1)
        assert tree.topLevelItem(0).text(0) == "paystub_2026-11.pdf"
        assert tree.topLevelItem(0).text(1) == "Paystub"  # type guessed from the name
        status = ws.findChild(QtWidgets.QLabel, "attachStatus").text()
        assert status.startswith("Attached 1 document.") and "empty.png: the file is empty" in status
        assert changed == ["lead_2"]


async def test_drop_of_non_file_urls_is_ignored(tasks, until) -> None:
    backend = FakeBackend()
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        mime = QtCore.QMimeData()
        mime.setUrls([QtCore.QUrl("https://example.com/x.pdf")])
        ev = QtGui.QDragEnterEvent(QtCore.QPoint(5, 5), QtCore.Qt.DropAction.CopyAction, mime,
                                   QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)
        QtWidgets.QApplication.sendEvent(ws.detail.documents, ev)
        assert not ev.isAccepted()
        assert not backend.files.get("lead_2")


async def test_file_picker_is_non_blocking_and_attaches(tasks, until, tmp_path) -> None:
    backend = FakeBackend()
    img = tmp_path / "photo_id.png"
    QtGui.QImage(40, 30, QtGui.QImage.Format.Format_RGB32).save(str(img))
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        ws.detail.documents.type_combo.setCurrentIndex(
            ws.detail.documents.type_combo.findData("government_id"))
        ws.findChild(QtWidgets.QPushButton, "attachButton").click()
        dlg = ws.detail.documents._picker
        assert dlg is not None and dlg.isVisible()  # open(), not exec(): we are still running
        dlg.filesSelected.emit([str(img)])
        dlg.reject()
        await until(lambda: len(backend.files.get("lead_2", [])) == 1)
        assert backend.files["lead_2"][0][0].file_type == "government_id"


async def test_attach_on_a_remote_backend_is_not_offered(tasks, until, tmp_path) -> None:
    backend = FakeBackend(kind="cloudflare")
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        assert not ws.findChild(QtWidgets.QPushButton, "attachButton").isEnabled()
        assert not ws.detail.documents.acceptDrops()
        assert not ws.findChild(QtWidgets.QPushButton, "newLeadButton").isEnabled()
        ws.open_new_lead_dialog()
        assert "only be created on the local backend" in ws.message.text()


async def test_new_lead_dialog_validates_and_creates(tasks, until) -> None:
    backend = FakeBackend()
    changed: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.lead_changed.connect(changed.append)
        ws.findChild(QtWidgets.QPushButton, "newLeadButton").click()
        await until(lambda: ws._new_lead_dialog is not None)
        dlg = ws._new_lead_dialog
        assert dlg.dialog.isVisible() and dlg.dialog.objectName() == "newLeadDialog"
        assert [dlg.property_combo.itemData(i) for i in range(dlg.property_combo.count())] == ["prop_1", "prop_2"]
        await until(lambda: dlg.unit.count() == 3)  # "No unit yet" + 2 units of Maple Court
        assert "1A" in dlg.unit.itemText(1) and "$1,850.00/month" in dlg.unit.itemText(1)
        dlg.property_combo.setCurrentIndex(1)
        await until(lambda: dlg.unit.count() == 2 and dlg.unit.currentData() == "unit_h1")
        dlg.first.setText("Grace")
        dlg.last.setText("Hopper")
        dlg.email.setText("not-an-email")
        ok = dlg.dialog.findChild(QtWidgets.QDialogButtonBox, "buttonBox").button(
            QtWidgets.QDialogButtonBox.StandardButton.Ok)
        ok.click()
        assert dlg.error_label.text() == "Enter a valid email address."
        assert dlg.dialog.isVisible()
        dlg.email.setText("grace@example.com")
        dlg.income.setValue(6100)
        dlg.employment.setCurrentIndex(dlg.employment.findData("employed"))
        dlg.employer.setText("Navy")
        dlg.start.setDate(QtCore.QDate(2024, 3, 1))
        ok.click()
        await until(lambda: ws.detail.lead is not None and ws.detail.lead.first_name == "Grace")
        new = ws.detail.lead
        assert (new.property_id, new.unit_id, new.email) == ("prop_2", "unit_h1", "grace@example.com")
        assert new.monthly_income == 6100 and new.employer == "Navy"
        assert new.employment_start_date is not None and new.employment_start_date.year == 2024
        assert changed == [new.id]
        assert "Lead Grace Hopper created" in ws.message.text()
        await until(lambda: ws.findChild(QtWidgets.QDialog, "newLeadDialog") is None)  # closed, freed


async def test_new_lead_dialog_reports_backend_errors(tasks, until) -> None:
    backend = FakeBackend()
    backend.down = True
    async with open_workspace(backend, tasks) as ws:
        ws.open_new_lead_dialog()
        await until(lambda: "Could not load the properties" in ws.message.text())
        assert ws._new_lead_dialog is None
