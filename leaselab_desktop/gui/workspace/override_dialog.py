"""The two "mandatory reason" dialogs: manual override of a recommendation and forced re-evaluation.

Both are Qt Designer forms (``ui/override.ui``, ``ui/force_reason.ui``), opened window-modal with
``open()`` (never ``exec()``); the result arrives through the ``submitted`` signal. OK stays disabled
until the reason has text, and a blank reason is refused with a message even if OK is triggered.
"""

from __future__ import annotations

from leaselab_desktop.domain.vocab import RECOMMENDATIONS
from leaselab_desktop.gui.qt import QObject, QtWidgets, Signal
from leaselab_desktop.gui.workspace.banners import run_cost_sentence
from leaselab_desktop.gui.workspace.style import human
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


class OverrideDialog(_ReasonDialog):
    submitted = Signal(str, str)  # (new recommendation, reason)

    def __init__(self, current: str | None, parent: QtWidgets.QWidget) -> None:
        super().__init__("override.ui", parent)
        self.dialog.setObjectName("overrideDialog")
        self.current = current
        self.error_label = child(self.dialog, QtWidgets.QLabel, "errorLabel")
        child(self.dialog, QtWidgets.QLabel, "currentValue").setText(human(current))
        self.combo = child(self.dialog, QtWidgets.QComboBox, "recommendationCombo")
        for rec in RECOMMENDATIONS:
            if rec != current:
                self.combo.addItem(human(rec), rec)
        self.combo.currentIndexChanged.connect(self._validate)

    @property
    def recommendation(self) -> str:
        return str(self.combo.currentData() or "")

    def problem(self) -> str | None:
        if not self.recommendation:
            return "Choose the new recommendation."
        return super().problem()

    def _show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        super()._show_problem(text)

    def _validate(self) -> None:
        super()._validate()
        if self.problem() is None:
            self.error_label.setText("")

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
