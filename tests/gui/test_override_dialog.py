"""The override dialog: no default choice, the card's words, and a second question before
approving against a high signal."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.domain.models import Evaluation, Signal
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.workspace.override_dialog import OverrideDialog, high_signals
from leaselab_desktop.gui.workspace.style import human


def _evaluation(*severities: str) -> Evaluation:
    return Evaluation(evaluation_id="ev_1", score=43, label="C", recommendation="reject",
                      signals=[Signal(code="pdf_modified_after_creation", severity=s,
                                      message=f"The pay stub was edited ({s}).") for s in severities])


_PARENTS: list[QtWidgets.QWidget] = []  # kept alive while a test runs (the dialog deletes itself)


def _dialog(qtbot: Any, ev: Evaluation, *, overridden: bool = False) -> tuple[OverrideDialog, list[Any]]:
    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    _PARENTS[:] = [parent]
    dlg = OverrideDialog(ev.recommendation, parent, overridden=overridden, high_signals=high_signals(ev))
    saved: list[Any] = []
    dlg.submitted.connect(lambda rec, reason: saved.append((rec, reason)))
    dlg.open()
    return dlg, saved


def test_nothing_is_chosen_for_the_agent_and_the_words_are_the_cards(qtbot: Any) -> None:
    dlg, saved = _dialog(qtbot, _evaluation("low"), overridden=True)
    assert dlg.combo.currentIndex() == -1 and dlg.recommendation == ""
    assert dlg.combo.placeholderText() == "Choose one"
    items = [dlg.combo.itemText(i) for i in range(dlg.combo.count())]
    assert items == ["Approve", "Approve with conditions", "Approve with verification"]  # the card's words
    assert items == [human(dlg.combo.itemData(i)) for i in range(dlg.combo.count())]
    current = dlg.dialog.findChild(QtWidgets.QLabel, "currentValue")
    assert current.text() == "Reject (overridden)"  # as the card's chip says it
    dlg.reason_edit.setPlainText("Guarantor letter verified by phone")
    assert not dlg.ok_button.isEnabled()  # a reason alone is not a choice
    dlg._try_accept()
    assert saved == [] and dlg.error_label.text() == "Choose the new recommendation."
    assert not dlg.signal_warning.isVisibleTo(dlg.dialog)  # a low signal: no warning, no second question
    dlg.combo.setCurrentIndex(0)
    assert dlg.ok_button.isEnabled() and dlg.error_label.text() == ""
    dlg.ok_button.click()
    assert saved == [("approve", "Guarantor letter verified by phone")]


def test_approving_against_a_high_signal_asks_again(qtbot: Any) -> None:
    dlg, saved = _dialog(qtbot, _evaluation("high", "medium"))
    assert dlg.signal_warning.isVisibleTo(dlg.dialog)
    assert dlg.signal_warning.text() == "High signal on this evaluation: The pay stub was edited (high)."
    dlg.combo.setCurrentIndex(dlg.combo.findData("approve_with_verification"))
    dlg.reason_edit.setPlainText("Employer confirmed the pay by phone")
    dlg.ok_button.click()
    assert saved == [] and dlg.dialog.isVisible()  # asked again, nothing saved
    assert dlg.ok_button.text() == "Approve anyway"
    assert "goes against the high signal" in dlg.error_label.text()
    dlg.combo.setCurrentIndex(dlg.combo.findData("approve"))  # another approval: asked again
    assert dlg.ok_button.text() == "Save override"
    dlg.ok_button.click()
    assert saved == [] and dlg.ok_button.text() == "Approve anyway"
    dlg.ok_button.click()
    assert saved == [("approve", "Employer confirmed the pay by phone")] and not dlg.dialog.isVisible()


def test_a_decision_that_does_not_approve_needs_no_second_question(qtbot: Any) -> None:
    ev = _evaluation("high")
    ev.recommendation = "approve_with_verification"
    dlg, saved = _dialog(qtbot, ev)
    dlg.combo.setCurrentIndex(dlg.combo.findData("reject"))
    dlg.reason_edit.setPlainText("Fraud confirmed with the employer")
    dlg.ok_button.click()
    assert saved == [("reject", "Fraud confirmed with the employer")]
    assert high_signals(None) == []
