"""The live step timeline of one run (``stepTimeline``): one row per workflow step."""

from __future__ import annotations

from leaselab_desktop.domain.models import RunSnapshot, StepProgress
from leaselab_desktop.domain.vocab import STEP_TITLES, WORKFLOW_STEPS
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.workspace.style import duration, human, step_color

_GLYPH = {"pending": "○", "running": "◐", "retrying": "↻", "complete": "✓", "errored": "✕"}
_TITLE = STEP_TITLES


def describe(step: StepProgress) -> str:
    """The plain-language state of one step, as the timeline shows it."""
    if step.status == "running":
        return "Running…" if step.attempts <= 1 else f"Running — attempt {step.attempts}"
    if step.status == "retrying":
        why = f": {step.error}" if step.error else ""
        return f"Retrying — attempt {max(step.attempts, 2)}{why}"
    if step.status == "complete":
        took = duration(step.duration_ms)
        return f"Done in {took}" if took else "Done"
    if step.status == "errored":
        return f"Failed: {step.error or 'unknown error'}"
    if step.status == "pending":
        return "Pending"
    return human(step.status)


_STATUS_TEXT = {
    "queued": "Queued",
    "running": "Running",
    "waiting": "Waiting",
    "paused": "Paused",
    "complete": "Complete",
    "errored": "Failed",
    "terminated": "Terminated",
}


def describe_run(snap: RunSnapshot) -> str:
    """The run status line (runStatus)."""
    status = _STATUS_TEXT.get(snap.status, human(snap.status))
    if snap.status == "errored":
        msg = snap.error.message if snap.error else "unknown error"
        return f"{status}: {msg}. Retry runs it again from the failed step."
    if snap.status == "complete":
        score = f" — score {snap.output.score} ({snap.output.label})" if snap.output else ""
        return f"{status}{score}"
    if snap.status == "terminated":
        return f"{status}. Retry restarts it."
    step = next((s for s in snap.steps if s.name == snap.current_step), None)
    if step is not None and step.status == "retrying":
        return f"{status} — retrying {step.name} (attempt {max(step.attempts, 2)})"
    return f"{status}" + (f" — {snap.current_step}" if snap.current_step else "") + "…"


class _Row:
    def __init__(self, grid: QtWidgets.QGridLayout, row: int, name: str, parent: QtWidgets.QWidget):
        self.name = name
        self.status = "pending"
        self.glyph = QtWidgets.QLabel(_GLYPH["pending"], parent)
        self.glyph.setFixedWidth(22)
        self.glyph.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.title = QtWidgets.QLabel(_TITLE.get(name, name), parent)
        self.title.setToolTip(name)
        self.detail = QtWidgets.QLabel("Pending", parent)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        for w, col in ((self.glyph, 0), (self.title, 1), (self.detail, 2)):
            w.setObjectName(f"step-{name}-{('glyph', 'title', 'detail')[col]}")
            grid.addWidget(w, row, col)


class StepTimeline(QtWidgets.QFrame):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepTimeline")
        self.setAccessibleName("Evaluation steps")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(2, 1)
        self._rows = {n: _Row(grid, i, n, self) for i, n in enumerate(WORKFLOW_STEPS)}
        self.reset()

    def reset(self) -> None:
        for row in self._rows.values():
            self._apply(row, StepProgress(name=row.name))

    def update_snapshot(self, snap: RunSnapshot) -> None:
        seen = {s.name: s for s in snap.steps}
        for name, row in self._rows.items():
            self._apply(row, seen.get(name, StepProgress(name=name)))

    def state(self, step: str) -> str:
        return self._rows[step].status

    def detail(self, step: str) -> str:
        return self._rows[step].detail.text()

    def _apply(self, row: _Row, step: StepProgress) -> None:
        row.status = step.status
        row.glyph.setText(_GLYPH.get(step.status, "•"))
        text = describe(step)
        row.detail.setText(text)
        colour = step_color(step.status, self.palette())
        row.glyph.setStyleSheet(f"color: {colour.name()}; font-weight: bold; font-size: 14px;")
        bold = "font-weight: 600;" if step.status in ("running", "retrying") else ""
        row.title.setStyleSheet(bold)
        row.detail.setStyleSheet(
            f"color: {colour.name()};" if step.status in ("retrying", "errored") else ""
        )
        row.glyph.setAccessibleName(f"{row.title.text()}: {text}")
