"""Result card: badges and colours, factors, signals, override with a mandatory reason and its
trail, compliance PDF export (read back with pypdf)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from leaselab_desktop.domain.timefmt import fmt_datetime
from leaselab_desktop.gui.qt import QtGui, QtWidgets
from leaselab_desktop.gui.workspace.gauge import ScoreGauge
from leaselab_desktop.gui.workspace.style import label_color
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture


async def _shown(ws, until) -> None:
    ws.show_lead("lead_1")
    await until(lambda: ws.card.evaluation is not None)
    await until(lambda: ws.card.trail.count() > 0)  # override trail loaded


async def test_card_shows_every_part_of_the_evaluation(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        await _shown(ws, until)
        card = ws.findChild(QtWidgets.QFrame, "resultCard")
        assert card.findChild(QtWidgets.QLabel, "recommendationChip").text() == "Approve with verification"
        assert card.findChild(QtWidgets.QLabel, "factorPoints_income_verification").text() == "24 / 30"
        texts = " | ".join(w.text() for w in card.findChildren(QtWidgets.QLabel))
        for needle in ("Income verification", "Standard for full points: Income ≥ 3× rent",
                       "source: paystub.pdf", "Pdf modified after creation", "ModDate Oct 2, 2026",
                       "Medium", "Risk flags:", "Short tenure", "Fraud signals:",
                       "A letter from the employer confirming permanent employment.",
                       "Policy 2026.11-default · Ontario profile · by the built-in rules · evaluated "
                       + fmt_datetime(datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
                       "Income verified from two pay stubs"):
            assert needle in texts, needle
        assert ws.card.gauge.score == 72
        assert ws.card.trail.item(0).text() == "No override recorded."


async def test_label_colours_follow_the_palette(qapp) -> None:
    light, dark = QtGui.QPalette(), QtGui.QPalette()
    light.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#f5f5f5"))
    dark.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#202124"))
    greens = {label_color("A", p).name() for p in (light, dark)}
    assert len(greens) == 2  # darker on light, lighter on dark
    for p in (light, dark):
        a, b, c, d = (label_color(x, p) for x in "ABCD")
        assert a.green() > a.red() and a.green() > a.blue()  # green
        assert b.blue() > b.red() and b.blue() > b.green()  # blue
        assert c.red() > c.blue() and c.green() > c.blue()  # amber
        assert d.red() > d.green() and d.red() > d.blue()  # red
    gauge = ScoreGauge()
    gauge.setPalette(dark)
    gauge.resize(128, 128)
    gauge.set_score(91, "A")
    img = gauge.grab().toImage()
    arc = [QtGui.QColor(img.pixel(x, y)) for x in range(0, 128, 3) for y in range(0, 128, 3)]
    expected = label_color("A", dark)
    assert any(abs(c.red() - expected.red()) < 20 and abs(c.green() - expected.green()) < 20
               and abs(c.blue() - expected.blue()) < 20 for c in arc)


def test_gauge_refuses_a_score_out_of_range(qapp) -> None:
    import pytest

    with pytest.raises(ValueError, match=r"0\.\.100"):
        ScoreGauge().set_score(101)


async def test_override_requires_a_reason_and_shows_the_trail(tasks, until) -> None:
    backend = FakeBackend()
    changed: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.lead_changed.connect(changed.append)
        await _shown(ws, until)
        ws.findChild(QtWidgets.QPushButton, "overrideButton").click()
        dlg = ws.card._dialog
        assert dlg is not None and dlg.dialog.isVisible()
        assert dlg.dialog.objectName() == "overrideDialog"
        recs = [dlg.combo.itemData(i) for i in range(dlg.combo.count())]
        assert "approve_with_verification" not in recs and "approve" in recs
        assert not dlg.ok_button.isEnabled()
        dlg.reason_edit.setPlainText("   ")
        assert not dlg.ok_button.isEnabled()
        dlg._try_accept()
        assert dlg.dialog.isVisible() and dlg.error_label.text() == "A reason is required."
        await asyncio.sleep(0.02)
        assert backend._overrides == {}
        dlg.combo.setCurrentIndex(recs.index("approve"))
        dlg.reason_edit.setPlainText("Guarantor letter received and verified")
        dlg.ok_button.click()
        await until(lambda: len(ws.card.overrides) == 1)
        item = ws.card.trail.item(0).text()
        assert "agent@leaselab.local" in item and "Approve" in item
        assert item.endswith("Guarantor letter received and verified")
        assert ws.findChild(QtWidgets.QLabel, "recommendationChip").text() == "Approve (overridden)"
        assert "Policy recommendation: Approve with verification" in ws.card.override_note.text()
        assert changed == ["lead_1"]


async def test_override_refused_by_backend_is_reported(tasks, until) -> None:
    backend = FakeBackend()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until)
        backend.down = True
        assert await ws.card.submit_override("approve", "because") is None
        assert "The override was not saved" in ws.card.action_status.text()
        assert await ws.card.submit_override("approve", "  ") is None


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


async def test_export_compliance_pdf(tasks, until, tmp_path) -> None:
    backend = FakeBackend()
    exported: list[Path] = []
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until)
        await ws.card.submit_override("approve", "Guarantor letter received")
        ws.card.exported.connect(exported.append)
        out = tmp_path / "report.pdf"
        dlg = ws.card.open_export_dialog()
        assert dlg is not None and dlg.isVisible()
        assert dlg.selectedFiles()[0].endswith("compliance-ada-okafor-20261120.pdf")
        dlg.selectFile(str(out))
        dlg.accept()
        await until(lambda: exported)
        assert exported == [out] and f"Exported to {out}" == ws.card.action_status.text()
        text = _pdf_text(out)
        for needle in ("Ada Okafor", "ada@example.com", "$5,200.00", "Income verification", "24 / 30",
                       "Pdf modified after creation", "ModDate Oct 2, 2026", "Guarantor letter received",
                       "2026.11-default", "No protected characteristic was used in this evaluation."):
            assert needle in text, needle
        # the override made in the card is the decision on page 1, with the profile that scored it
        page1 = " ".join(PdfReader(out).pages[0].extract_text().split())
        assert "Final decision Approve (manual override)" in page1
        assert "Replaced AI recommendation: Approve with verification" in page1
        assert "Scored under Policy 2026.11-default · Ontario profile" in page1


async def test_export_failure_is_reported(tasks, until, tmp_path) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        await _shown(ws, until)
        assert await ws.card.export_to(tmp_path / "missing" / "r.pdf") is None
        assert ws.card.action_status.text().startswith("Export failed:")
        assert ws.findChild(QtWidgets.QPushButton, "exportButton").isEnabled()


async def test_no_evaluation_hides_actions(tasks, until) -> None:
    async with open_workspace(FakeBackend(), tasks) as ws:
        ws.show_lead("lead_2")
        await until(lambda: ws.detail.lead is not None)
        assert ws.card.evaluation is None
        assert not ws.findChild(QtWidgets.QPushButton, "overrideButton").isVisible()
        assert not ws.findChild(QtWidgets.QPushButton, "exportButton").isVisible()
        assert ws.findChild(QtWidgets.QLabel, "resultEmpty").isVisible()
        assert ws.card.open_override_dialog() is None and ws.card.open_export_dialog() is None
