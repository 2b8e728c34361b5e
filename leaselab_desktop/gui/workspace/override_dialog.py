"""The two "mandatory reason" dialogs: manual override of a recommendation and forced re-evaluation.

Both are Qt Designer forms (``ui/override.ui``, ``ui/force_reason.ui``), opened window-modal with
``open()`` (never ``exec()``); the result arrives through the ``submitted`` signal. OK stays disabled
until the reason has text, and a blank reason is refused with a message even if OK is triggered.
"""

from __future__ import annotations

from collections.abc import Sequence

from leaselab_desktop.domain.models import Evaluation
from leaselab_desktop.domain.vocab import RECOMMENDATIONS
from leaselab_desktop.gui.qt import QObject, QtWidgets, Signal
from leaselab_desktop.gui.workspace.banners import run_cost_sentence
from leaselab_desktop.gui.workspace.style import human, severity_color
from leaselab_desktop.gui.workspace.uiload import child, load_form

MIN_REASON = 3

_BB = QtWidgets.QDialogButtonBox.StandardButton


class _ReasonDialog(QObject):
    def __init__(self, form: str, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        dlg = load_form(form, parent)
        assert isinstance(dlg, QtWidgets.QDialog)
        self.dialog: QtWidgets.QDialog = dlg
        self.reason_edit = child(dlg, QtWidgets.QPlainTextEdit, "reasonEdit")
        self.buttons = child(dlg, QtWidgets.QDialogButtonBox, "buttonBox")
        self.ok_button = self.buttons.button(_BB.Ok)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(dlg.reject)
        self.reason_edit.textChanged.connect(self._validate)
        dlg.finished.connect(lambda _r: dlg.deleteLater())

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def problem(self) -> str | None:
        if len(self.reason) < MIN_REASON:
            return "A reason is required."
        return None

    def _validate(self) -> None:
        self.ok_button.setEnabled(self.problem() is None)

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self._show_problem(problem)
            return
        self._emit()
        self.dialog.accept()

    def _show_problem(self, text: str) -> None:
        self.reason_edit.setFocus()
        self.reason_edit.setToolTip(text)

    def _emit(self) -> None:
        raise NotImplementedError

    def open(self) -> None:
        self._validate()
        self.dialog.open()


def high_signals(ev: Evaluation | None) -> list[str]:
    """The evaluation's high-severity signals, in the card's words (message, else the code)."""
    if ev is None:
        return []
    return [s.message or human(s.code) for s in ev.signals if s.severity == "high"]


class OverrideDialog(_ReasonDialog):
    """No choice is made for the agent (the list starts empty), the recommendations read as on the
    result card, and approving against a high signal asks once more before it is saved."""

    submitted = Signal(str, str)  # (new recommendation, reason)

    def __init__(self, current: str | None, parent: QtWidgets.QWidget, *, overridden: bool = False,
                 high_signals: Sequence[str] = ()) -> None:
        super().__init__("override.ui", parent)
        self.dialog.setObjectName("overrideDialog")
        self.current = current
        self.high_signals = list(high_signals)
        self._confirmed: str | None = None  # the approval confirmed against the high signals
        self.error_label = child(self.dialog, QtWidgets.QLabel, "errorLabel")
        self.signal_warning = child(self.dialog, QtWidgets.QLabel, "signalWarning")
        now = human(current) + (" (overridden)" if overridden and current else "")
        child(self.dialog, QtWidgets.QLabel, "currentValue").setText(now)
        self.combo = child(self.dialog, QtWidgets.QComboBox, "recommendationCombo")
        for rec in RECOMMENDATIONS:
            if rec != current:
                self.combo.addItem(human(rec), rec)
        self.combo.setCurrentIndex(-1)  # no default: the agent chooses
        self.combo.currentIndexChanged.connect(self._choice_changed)
        self.reason_edit.setAccessibleName("Reason for the override")
        self.signal_warning.setVisible(bool(self.high_signals))
        if self.high_signals:
            listed = "; ".join(t.rstrip(". ") for t in self.high_signals)
            self.signal_warning.setText(f"High signal on this evaluation: {listed}.")
            colour = severity_color("high", self.dialog.palette()).name()
            self.signal_warning.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.ok_button.setText("Save override")
        self.ok_button.setAccessibleName("Save the override")
        self.buttons.button(_BB.Cancel).setAccessibleName("Cancel the override")

    @property
    def recommendation(self) -> str:
        return str(self.combo.currentData() or "") if self.combo.currentIndex() >= 0 else ""

    @property
    def needs_confirmation(self) -> bool:
        """Approving (in any form) while a high signal stands, not yet confirmed for this choice."""
        rec = self.recommendation
        return bool(self.high_signals) and rec.startswith("approve") and self._confirmed != rec

    def problem(self) -> str | None:
        return super().problem() or (None if self.recommendation else "Choose the new recommendation.")

    def _show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        super()._show_problem(text)

    def _choice_changed(self) -> None:
        self._confirmed = None  # another choice: asked again if it approves against the signal
        self.ok_button.setText("Save override")
        self.ok_button.setAccessibleName("Save the override")
        self._validate()

    def _validate(self) -> None:
        super()._validate()
        if self.problem() is None and self._confirmed is None:
            self.error_label.setText("")

    def _try_accept(self) -> None:
        if self.problem() is None and self.needs_confirmation:
            self._confirmed = self.recommendation  # the next OK saves it
            self.error_label.setText(
                f"{human(self.recommendation)} goes against the high signal above. Check it again; "
                "to save the override anyway, press “Approve anyway”.")
            self.ok_button.setText("Approve anyway")
            self.ok_button.setAccessibleName("Approve anyway, against the high signal")
            return
        super()._try_accept()

    def _emit(self) -> None:
        self.submitted.emit(self.recommendation, self.reason)


class ForceReasonDialog(_ReasonDialog):
    submitted = Signal(str)  # reason

    def __init__(self, parent: QtWidgets.QWidget, last_evaluated: str | None = None) -> None:
        super().__init__("force_reason.ui", parent)
        self.dialog.setObjectName("forceReasonDialog")
        self.intro = child(self.dialog, QtWidgets.QLabel, "intro")
        self._when = f" on {last_evaluated}" if last_evaluated else ""
        self.set_cost(run_cost_sentence(None))

    def set_cost(self, sentence: str) -> None:
        """Whether this run counts against the quota, in the quota meter's words."""
        self.intro.setText(f"These documents were already evaluated{self._when}. {sentence} "
                           "The run is recorded with your reason.")

    def _emit(self) -> None:
        self.submitted.emit(self.reason)
