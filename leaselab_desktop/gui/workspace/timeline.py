"""The live step timeline of one run (``stepTimeline``): one row per workflow step."""

from __future__ import annotations

from leaselab_desktop.domain.explain import Explanation, explain_text
from leaselab_desktop.domain.models import RunSnapshot, StepProgress
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.domain.wording import current_provider, run_status_name, step_title
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.workspace.style import duration, step_color

_GLYPH = {"pending": "○", "running": "◐", "retrying": "↻", "complete": "✓", "errored": "✕"}


def _attempts(name: str) -> int | None:
    try:
        return load_spec().step(name).retries.limit + 1
    except KeyError:  # a step a newer server runs: no limit known
        return None


def _attempt(step: StepProgress, number: int) -> str:
    most = _attempts(step.name)
    return f"attempt {number} of {most}" if most else f"attempt {number}"


def step_error(step: StepProgress, provider: str | None = None) -> Explanation:
    """The step's error in plain words (the raw text stays in ``detail``)."""
    return explain_text(step.error, provider=provider or current_provider(), step=step.name)


def describe(step: StepProgress, provider: str | None = None) -> str:
    """The plain-language state of one step, as the timeline shows it."""
    if step.status == "running":
        return "Running…" if step.attempts <= 1 else f"Running ({_attempt(step, step.attempts)})…"
    if step.status == "retrying":
        why = f" {step_error(step, provider).what}" if step.error else ""
        return f"Trying again ({_attempt(step, max(step.attempts, 2))}).{why}"
    if step.status == "complete":
        took = duration(step.duration_ms)
        return f"Done in {took}" if took else "Done"
    if step.status == "errored":
        return f"Stopped: {step_error(step, provider).what}" if step.error else "Stopped by an error."
    if step.status == "pending":
        return "Not started yet"
    return run_status_name(step.status)


def run_error(snap: RunSnapshot, provider: str | None = None) -> Explanation:
    """Why the run stopped, from its failed step (or the run's own error)."""
    who = provider or (snap.output.provider if snap.output else None) or current_provider()
    failed = next((s for s in snap.steps if s.status == "errored" and s.error), None)
    if failed is not None:
        return explain_text(failed.error, provider=who, step=failed.name)
    text = f"{snap.error.name}: {snap.error.message}" if snap.error and snap.error.name not in ("", "Error") \
        else (snap.error.message if snap.error else "")
    if snap.status == "terminated" and not text:
        text = "Terminated: the evaluation was stopped"
    return explain_text(text, provider=who, step=snap.current_step)


def describe_run(snap: RunSnapshot, provider: str | None = None) -> str:
    """The run status line (runStatus): one sentence; the error banner below says the rest."""
    who = provider or current_provider()
    if snap.status in ("errored", "terminated"):
        e = run_error(snap, who)
        return f"{run_status_name(snap.status)}. {e.what}"
    if snap.status == "complete":
        score = f": score {snap.output.score}, label {snap.output.label}" if snap.output else ""
        return f"{run_status_name(snap.status)}{score}."
    step = next((s for s in snap.steps if s.name == snap.current_step), None)
    if step is not None and step.status == "retrying":
        return (f"Running: trying “{step_title(step.name, who)}” again "
                f"({_attempt(step, max(step.attempts, 2))}).")
    where = f": {step_title(snap.current_step, who)}" if snap.current_step else ""
    return f"{run_status_name(snap.status)}{where}…"


class _Row:
    def __init__(self, grid: QtWidgets.QGridLayout, row: int, name: str, parent: QtWidgets.QWidget):
        self.name = name
        self.status = "pending"
        self.glyph = QtWidgets.QLabel(_GLYPH["pending"], parent)
        self.glyph.setFixedWidth(22)
        self.glyph.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.title = QtWidgets.QLabel(step_title(name), parent)
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
        self.provider: str | None = None
        self._rows = {n: _Row(grid, i, n, self) for i, n in enumerate(WORKFLOW_STEPS)}
        self.reset()

    def reset(self) -> None:
        self.provider = current_provider()
        for row in self._rows.values():
            self._apply(row, StepProgress(name=row.name))

    def update_snapshot(self, snap: RunSnapshot) -> None:
        # a finished run names the provider that answered; a running one the configured provider
        self.provider = (snap.output.provider if snap.output else None) or current_provider()
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
        row.title.setText(step_title(row.name, self.provider))
        text = describe(step, self.provider)
        row.detail.setToolTip(step.error or "")  # the original text, for support
        row.detail.setText(text)
        colour = step_color(step.status, self.palette())
        row.glyph.setStyleSheet(f"color: {colour.name()}; font-weight: bold; font-size: 14px;")
        bold = "font-weight: 600;" if step.status in ("running", "retrying") else ""
        row.title.setStyleSheet(bold)
        row.detail.setStyleSheet(
            f"color: {colour.name()};" if step.status in ("retrying", "errored") else ""
        )
        row.glyph.setAccessibleName(f"{row.title.text()}: {text}")
