"""The result card (``resultCard``): score, label, recommendation, factors, signals, override trail,
manual override and compliance-report export."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.domain.models import Evaluation, Lead, Override
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.domain.wording import plain, provider_name, recommendation_name
from leaselab_desktop.gui.exports import default_folder
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.qt import Signal as QtSignal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.gauge import ScoreGauge
from leaselab_desktop.gui.workspace.override_dialog import OverrideDialog, high_signals
from leaselab_desktop.gui.workspace.result_sections import build_sections, clear_layout, heading, wrap
from leaselab_desktop.gui.workspace.style import chip_qss, label_color, recommendation_color, when


class ResultCard(QtWidgets.QFrame):
    override_saved = QtSignal(object)  # Override
    decision_changed = QtSignal()  # the recommendation shown changed (an override trail loaded)
    exported = QtSignal(object)  # Path

    def __init__(
        self,
        tasks: TaskRunner,
        parent: QtWidgets.QWidget | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        user_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resultCard")
        self.setAccessibleName("Evaluation result")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self._tasks = tasks
        self._clock = clock
        self._user_id = user_id
        self._backend: Backend | None = None
        self._lead: Lead | None = None
        self._ev: Evaluation | None = None
        self._overrides: list[Override] = []
        self._dialog: OverrideDialog | None = None
        self._saver: QtWidgets.QFileDialog | None = None

        header = self._build_header()
        self.body = QtWidgets.QWidget(self)
        self.body_layout = QtWidgets.QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)

        actions = self._build_actions()
        self.trail = QtWidgets.QListWidget(self)
        self.trail.setObjectName("overrideTrail")
        self.trail.setAccessibleName("Override audit trail")
        self.trail.setMaximumHeight(110)
        self.trail.setWordWrap(True)
        self.trail.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.trail.setResizeMode(QtWidgets.QListView.ResizeMode.Adjust)
        self.trail_heading = heading("Override audit trail", self)

        self.previous_note = wrap("", self)  # "Previous result": a run after it failed (mark_previous)
        self.previous_note.setObjectName("previousResultNote")
        self.previous_note.setAccessibleName("Previous result")
        self.previous_note.hide()
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.previous_note)
        lay.addWidget(self.empty)
        lay.addLayout(header)
        lay.addWidget(self.summary)
        lay.addWidget(self.body)
        lay.addLayout(actions)
        lay.addWidget(self.trail_heading)
        lay.addWidget(self.trail)
        self.show_evaluation(None)

    def _build_header(self) -> QtWidgets.QHBoxLayout:
        """The gauge beside score, label, recommendation, override note and meta."""
        self.gauge = ScoreGauge(self)
        self.score_value = QtWidgets.QLabel("", self)
        self.score_value.setObjectName("scoreValue")
        self.score_value.setAccessibleName("Score")
        self.label_badge = QtWidgets.QLabel("", self)
        self.label_badge.setObjectName("labelBadge")
        self.label_badge.setAccessibleName("Label")
        self.recommendation_chip = QtWidgets.QLabel("", self)
        self.recommendation_chip.setObjectName("recommendationChip")
        self.recommendation_chip.setAccessibleName("Recommendation")
        self.override_note = QtWidgets.QLabel("", self)
        self.override_note.setObjectName("overrideNote")
        self.override_note.setWordWrap(True)
        self.summary = wrap("", self)
        self.summary.setObjectName("resultSummary")
        self.meta = wrap("", self, muted=True)
        self.meta.setObjectName("resultMeta")
        self.empty = wrap("No evaluation yet. Run one to see the score and its reasons.", self, muted=True)
        self.empty.setObjectName("resultEmpty")

        self.score_caption = QtWidgets.QLabel("Score", self)
        big = self.score_value.font()
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.25)
        self.score_value.setFont(big)
        score_row = QtWidgets.QHBoxLayout()
        score_row.addWidget(self.score_caption)
        score_row.addWidget(self.score_value)
        score_row.addSpacing(8)
        score_row.addWidget(self.label_badge)
        score_row.addStretch(1)
        chip_row = QtWidgets.QHBoxLayout()
        chip_row.addWidget(self.recommendation_chip)
        chip_row.addStretch(1)
        side = QtWidgets.QVBoxLayout()
        side.addStretch(1)
        side.addLayout(score_row)
        side.addLayout(chip_row)
        side.addWidget(self.override_note)
        side.addWidget(self.meta)
        side.addStretch(1)
        header = QtWidgets.QHBoxLayout()
        header.addWidget(self.gauge)
        header.addLayout(side, 1)
        return header

    def _build_actions(self) -> QtWidgets.QHBoxLayout:
        self.override_button = QtWidgets.QPushButton("Override…", self)
        self.override_button.setObjectName("overrideButton")
        self.override_button.setAccessibleName("Override the recommendation")
        self.override_button.clicked.connect(self.open_override_dialog)
        self.export_button = QtWidgets.QPushButton("Export compliance report…", self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export the compliance report as PDF")
        self.export_button.clicked.connect(self.open_export_dialog)
        self.action_status = QtWidgets.QLabel("", self)
        self.action_status.setObjectName("resultActionStatus")
        self.action_status.setWordWrap(True)
        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.override_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.action_status, 1)
        return actions

    # ------------------------------------------------------------------ state
    def set_backend(self, backend: Backend | None) -> None:
        self._backend = backend

    def set_lead(self, lead: Lead | None) -> None:
        self._lead = lead

    @property
    def evaluation(self) -> Evaluation | None:
        return self._ev

    @property
    def overrides(self) -> list[Override]:
        return list(self._overrides)

    def show_evaluation(self, ev: Evaluation | None) -> None:
        self._ev = ev
        self._overrides = []
        self.previous_note.hide()
        has = ev is not None
        for w in (self.gauge, self.score_caption, self.score_value, self.label_badge, self.recommendation_chip,
                  self.summary, self.meta, self.body, self.override_button, self.export_button,
                  self.trail, self.trail_heading):
            w.setVisible(has)
        self.empty.setVisible(not has)
        self.action_status.setText("")
        self.override_note.setText("")
        self.trail.clear()
        clear_layout(self.body_layout)
        if ev is None:
            self.gauge.set_score(None)
            self.score_value.setText("")
            return
        pal = self.palette()
        self.gauge.set_score(ev.score, ev.label)
        self.score_value.setText(str(ev.score))
        self.score_value.setToolTip(f"Score {ev.score} of 100")
        self.label_badge.setText(f"Label {ev.label}")
        self.label_badge.setStyleSheet(chip_qss(label_color(ev.label, pal), pal))
        self._set_recommendation(ev.recommendation, overridden=False)
        self.summary.setText(plain(ev.summary))
        self.meta.setText(f"{ev.policy_line} · by {provider_name(ev.provider)} · evaluated {when(ev.evaluated_at)}")
        self.meta.setToolTip(f"Model: {ev.model_version or '—'}")
        build_sections(ev, self.body, self.body_layout)
        if self._backend is not None:
            self._tasks.spawn(self.load_overrides(), what="load the override trail")

    def mark_previous(self, why: str) -> None:
        """The shown result is not the latest run's: that run failed (``why``). Said above the score,
        so nobody reads an old result as the answer to the run that just stopped."""
        if self._ev is None:
            return
        self.previous_note.setText(
            f"Previous result, from {when(self._ev.evaluated_at)}. The latest evaluation did not finish, "
            f"so this is not its result. {why}".strip()
        )
        pal = self.palette()
        self.previous_note.setStyleSheet(chip_qss(label_color("C", pal), pal).replace("border-radius: 9px",
                                                                                  "border-radius: 6px"))
        self.previous_note.show()

    def _set_recommendation(self, rec: str, *, overridden: bool) -> None:
        pal = self.palette()
        self.recommendation_chip.setText(recommendation_name(rec) + (" (overridden)" if overridden else ""))
        self.recommendation_chip.setStyleSheet(chip_qss(recommendation_color(rec, pal), pal))
        self.decision_changed.emit()

    # ------------------------------------------------------------------ overrides
    async def load_overrides(self) -> list[Override]:
        ev, backend = self._ev, self._backend
        if ev is None or backend is None:
            return []
        try:
            found = await backend.overrides(ev.evaluation_id)
        except BackendError as exc:
            self.action_status.setText(f"Override trail unavailable: {exc.message}")
            return []
        if self._ev is ev:
            self._set_trail(found)
        return found

    def _set_trail(self, overrides: list[Override]) -> None:
        self._overrides = sorted(overrides, key=lambda o: o.created_at or datetime.min.replace(tzinfo=UTC))
        self.trail.clear()
        for o in self._overrides:
            who = o.user_id or "unknown user"
            src = f"{recommendation_name(o.from_recommendation)} → " if o.from_recommendation else ""
            self.trail.addItem(f"{when(o.created_at)} · {who}: {src}{recommendation_name(o.to_recommendation)}"
                               f" — {o.reason}")
        if not self._overrides:
            self.trail.addItem("No override recorded.")
            self.trail.item(0).setFlags(QtCore.Qt.ItemFlag.NoItemFlags)
            if self._ev is not None:
                self._set_recommendation(self._ev.recommendation, overridden=False)
            self.override_note.setText("")
        else:
            last = self._overrides[-1]
            self._set_recommendation(last.to_recommendation, overridden=True)
            self.override_note.setText(
                f"Policy recommendation: {recommendation_name(self._ev.recommendation if self._ev else None)}"
            )

    def current_recommendation(self) -> str | None:
        if self._overrides:
            return self._overrides[-1].to_recommendation
        return self._ev.recommendation if self._ev else None

    def open_override_dialog(self) -> OverrideDialog | None:
        if self._ev is None or self._backend is None:
            return None
        dlg = OverrideDialog(self.current_recommendation(), self, overridden=bool(self._overrides),
                             high_signals=high_signals(self._ev))
        dlg.submitted.connect(
            lambda rec, reason: self._tasks.spawn(self.submit_override(rec, reason), what="save the override")
        )
        self._dialog = dlg
        dlg.open()
        return dlg

    async def submit_override(self, recommendation: str, reason: str) -> Override | None:
        ev, backend = self._ev, self._backend
        if ev is None or backend is None:
            return None
        if not reason.strip():
            self.action_status.setText("An override needs a reason.")
            return None
        self.override_button.setEnabled(False)
        try:
            saved = await backend.override(ev.evaluation_id, recommendation, reason.strip())
        except BackendError as exc:
            self.action_status.setText(f"The override was not saved: {exc.message}")
            return None
        finally:
            self.override_button.setEnabled(True)
        self.action_status.setText("Override saved.")
        await self.load_overrides()
        self.override_saved.emit(saved)
        return saved

    # ------------------------------------------------------------------ export
    def default_report_name(self) -> str:
        lead = self._lead
        who = (lead.full_name if lead else "") or (lead.id if lead else "lead")
        safe = "".join(c if c.isalnum() else "-" for c in who).strip("-").lower() or "lead"
        stamp = self._ev.evaluated_at.strftime("%Y%m%d") if self._ev and self._ev.evaluated_at else "report"
        return f"compliance-{safe}-{stamp}.pdf"

    def open_export_dialog(self) -> QtWidgets.QFileDialog | None:
        if self._ev is None:
            return None
        dlg = QtWidgets.QFileDialog(self, "Export compliance report")
        dlg.setObjectName("exportFileDialog")
        dlg.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptSave)
        dlg.setNameFilter("PDF documents (*.pdf)")
        dlg.setDefaultSuffix("pdf")
        dlg.setDirectory(str(default_folder()))  # Documents (else home), never the working directory
        dlg.selectFile(self.default_report_name())
        dlg.fileSelected.connect(
            lambda name: self._tasks.spawn(self.export_to(Path(name)), what="export the compliance report")
        )
        dlg.finished.connect(dlg.deleteLater)
        self._saver = dlg
        dlg.open()
        return dlg

    async def export_to(self, path: Path) -> Path | None:
        ev, lead = self._ev, self._lead
        if ev is None or lead is None:
            self.action_status.setText("Nothing to export: no evaluation is shown.")
            return None
        overrides = list(self._overrides)
        self.export_button.setEnabled(False)
        self.action_status.setText("Exporting…")
        try:
            out = await asyncio.to_thread(
                _write_report, path, lead, ev, overrides,
                generated_at=self._clock(), generated_by=self._user_id,
            )
        except (OSError, ValueError) as exc:
            self.action_status.setText(f"Export failed: {exc}")
            return None
        finally:
            self.export_button.setEnabled(True)
        self.action_status.setText(f"Exported to {out}")
        self.exported.emit(out)
        return out


def _write_report(*args: Any, **kwargs: Any) -> Path:
    # reportlab is imported on first export (in the worker thread), not at every start of the app
    from leaselab_desktop.reports.compliance import write_compliance_report

    return write_compliance_report(*args, **kwargs)
