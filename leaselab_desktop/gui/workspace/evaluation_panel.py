"""The evaluation panel: Run / Re-evaluate, the live step timeline, the run status, Retry, Terminate,
the duplicate-documents banner (Force re-evaluate with a reason) and the quota banner.

One run at a time per panel: a click while a start is pending or a run is followed does nothing
(buttons disabled *and* a guard in ``start``), and AlreadyRunning attaches to the running run.
"""

from __future__ import annotations

import asyncio
from html import escape

from leaselab_desktop.application.evaluations import Evaluations
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import (
    AlreadyEvaluated,
    BackendError,
    DuplicateDocuments,
    QuotaExceeded,
)
from leaselab_desktop.domain.explain import explain_exception
from leaselab_desktop.domain.models import RunSnapshot
from leaselab_desktop.gui.qt import QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.banners import (
    ErrorBanner,
    banner_qss,
    duplicate_html,
    make_banner,
    run_cost_sentence,
    usage_sentence,
)
from leaselab_desktop.gui.workspace.override_dialog import ForceReasonDialog
from leaselab_desktop.gui.workspace.style import step_color, when
from leaselab_desktop.gui.workspace.timeline import StepTimeline, describe_run, run_error


class EvaluationPanel(QtWidgets.QWidget):
    run_finished = Signal(str, object)  # (lead id, final RunSnapshot)
    run_started = Signal(str, str)  # (lead id, run id)
    run_progress = Signal(str, object)  # (lead id, each RunSnapshot followed; None once no longer followed)
    usage_changed = Signal(object)  # Usage reported by a start (ticket) or a quota refusal

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationPanel")
        self._tasks = tasks
        self._backend: Backend | None = None
        self._lead_id: str | None = None
        self._has_evaluation = False
        self._busy = False  # a start/retry request is in flight
        self._run: RunSnapshot | None = None
        # Runs are followed to their end even after the agent moves to another lead, so that
        # run_finished (list refresh, notification) fires for every run started here.
        self._watches: dict[str, asyncio.Task[None]] = {}
        self._force_dialog: ForceReasonDialog | None = None
        self._duplicate: DuplicateDocuments | None = None

        self.run_button = self._button("runButton", "Run evaluation", "Run an AI evaluation of this lead")
        self.reevaluate_button = self._button("reevaluateButton", "Re-evaluate", "Evaluate this lead again")
        self.retry_button = self._button("retryButton", "Retry", "Retry the failed run from its failed step")
        self.terminate_button = self._button("terminateButton", "Terminate", "Stop the running evaluation")
        for b in (self.run_button, self.reevaluate_button):
            b.clicked.connect(lambda _c=False: self.request_run())
        self.retry_button.clicked.connect(lambda _c=False: self.request_retry())
        self.terminate_button.clicked.connect(lambda _c=False: self.request_terminate())
        self.run_status = QtWidgets.QLabel("", self)
        self.run_status.setObjectName("runStatus")
        self.run_status.setAccessibleName("Run status")
        self.run_status.setWordWrap(True)

        self.duplicate_banner, self.duplicate_text, dup_row = make_banner("duplicateBanner", self)
        self.force_button = QtWidgets.QPushButton("Force re-evaluate…", self.duplicate_banner)
        self.force_button.setObjectName("forceButton")
        self.force_button.setAccessibleName("Force a re-evaluation with a reason")
        self.force_button.clicked.connect(lambda _c=False: self.open_force_dialog())
        dup_row.addWidget(self.force_button)
        self.quota_banner, self.quota_text, _ = make_banner("quotaBanner", self)
        self.error_banner = ErrorBanner(self)  # what happened, what it means, what to do + buttons
        self.error_banner.retry.connect(lambda: self.request_retry() if self._run else self.request_run())
        self.timeline = StepTimeline(self)

        buttons = QtWidgets.QHBoxLayout()
        for b in (self.run_button, self.reevaluate_button, self.retry_button, self.terminate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(buttons)
        lay.addWidget(self.run_status)
        lay.addWidget(self.duplicate_banner)
        lay.addWidget(self.quota_banner)
        lay.addWidget(self.error_banner)
        lay.addWidget(self.timeline)
        self._refresh_buttons()

    def _button(self, name: str, text: str, accessible: str) -> QtWidgets.QPushButton:
        b = QtWidgets.QPushButton(text, self)
        b.setObjectName(name)
        b.setAccessibleName(accessible)
        return b

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        """True while a start is pending or a run is followed."""
        return self._busy or (self._run is not None and not self._run.finished)

    @property
    def run(self) -> RunSnapshot | None:
        return self._run

    def set_backend(self, backend: Backend | None) -> None:
        self._stop_watches()
        self._backend = backend
        self.set_lead(None)

    def set_lead(self, lead_id: str | None, *, has_evaluation: bool = False) -> None:
        """Show a lead (no run yet); the caller then awaits ``resume`` to pick up an active run."""
        if lead_id != self._lead_id:
            self._run = None  # its watch goes on in the background and still reports the end
            self._busy = False
            self.timeline.reset()
            self._hide_banners()
            self.run_status.setText("")
        self._lead_id = lead_id
        self._has_evaluation = has_evaluation
        self._refresh_buttons()

    def set_has_evaluation(self, value: bool) -> None:
        self._has_evaluation = value
        self._refresh_buttons()

    async def resume(self) -> None:
        """Follow the lead's active run, if any (a run started elsewhere or before a restart)."""
        backend, lead_id = self._backend, self._lead_id
        if backend is None or lead_id is None or self.busy:
            return
        try:
            active = await backend.active_run(lead_id)
        except BackendError as exc:
            self._status_error(exc)
            return
        if active is not None and lead_id == self._lead_id and not self.busy:
            self._follow(active.run_id, first=active)

    def _refresh_buttons(self) -> None:
        has_lead = self._backend is not None and self._lead_id is not None
        busy = self.busy
        self.run_button.setVisible(not self._has_evaluation)
        self.reevaluate_button.setVisible(self._has_evaluation)
        for b in (self.run_button, self.reevaluate_button):
            b.setEnabled(has_lead and not busy)
        errored = self._run is not None and self._run.status in ("errored", "terminated")
        self.retry_button.setVisible(errored)
        self.retry_button.setEnabled(errored and not busy)
        # workflow runs (local engine, project worker) can be stopped; deployed workers' jobs cannot
        stoppable = busy and self._run is not None and self._run.can_terminate
        self.terminate_button.setVisible(stoppable)
        self.terminate_button.setEnabled(stoppable)
        self.force_button.setEnabled(not busy)
        self.timeline.setVisible(self._run is not None)  # steps are shown for a run, not before one

    def _hide_banners(self) -> None:
        self.duplicate_banner.hide()
        self.quota_banner.hide()
        self.error_banner.clear()
        self._duplicate = None

    def _status(self, text: str, status: str | None = None) -> None:
        self.run_status.setText(text)
        if status in ("errored", "terminated", "complete", "retrying"):
            colour = step_color("errored" if status == "terminated" else status, self.palette())
            self.run_status.setStyleSheet(f"color: {colour.name()};")
        else:
            self.run_status.setStyleSheet("")

    def _status_error(self, exc: BaseException) -> None:
        e = explain_exception(exc)
        self._status(e.what, "errored")
        self.error_banner.show_explanation(e, backend=self._backend, run=False)

    # ------------------------------------------------------------------ actions
    def request_run(self, *, force: bool = False, reason: str | None = None) -> None:
        if self.busy or self._backend is None or self._lead_id is None:
            return
        self._busy = True  # set before the task runs: a second click in the same tick is refused
        self._refresh_buttons()
        self._tasks.spawn(self._start(force, reason), what="start the evaluation",
                          on_error=self._start_failed)

    def request_retry(self) -> None:
        if self.busy or self._backend is None or self._run is None:
            return
        self._busy = True
        self._refresh_buttons()
        self._tasks.spawn(self._retry(self._run.run_id), what="retry the evaluation",
                          on_error=self._start_failed)

    def request_terminate(self) -> None:
        if self._backend is None or self._run is None or self._run.finished:
            return
        self.terminate_button.setEnabled(False)
        self._tasks.spawn(self._terminate(self._run.run_id), what="terminate the evaluation")

    def _start_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._status_error(exc)
        self._refresh_buttons()

    async def _start(self, force: bool, reason: str | None) -> None:
        backend, lead_id = self._backend, self._lead_id
        assert backend is not None and lead_id is not None
        self._hide_banners()
        self._status("Starting…")
        try:
            started = await Evaluations(backend).start_or_join(lead_id, force=force, reason=reason)
        except DuplicateDocuments as exc:
            self._busy = False
            self.show_duplicate(exc)
            return
        except AlreadyEvaluated as exc:  # the deployed worker's flavour of the same refusal
            self._busy = False
            self.show_duplicate(DuplicateDocuments(exc.message, last_evaluation_id=exc.evaluation_id))
            return
        except QuotaExceeded as exc:
            self._busy = False
            self.show_quota(exc)
            if exc.usage is not None:
                self.usage_changed.emit(exc.usage)
            return
        except BackendError as exc:  # also AlreadyRunning when there is no run to follow
            self._busy = False
            self._status_error(exc)
            self._refresh_buttons()
            return
        self._busy = False
        if started.ticket is not None and started.ticket.usage is not None:
            self.usage_changed.emit(started.ticket.usage)
        if lead_id != self._lead_id:
            return  # the agent moved on; the run goes on and is resumed when the lead is shown again
        if started.already_running:
            self._status("An evaluation of this lead is already running; following it.")
        else:
            self.run_started.emit(lead_id, started.run_id)
        self._follow(started.run_id)

    async def _retry(self, run_id: str) -> None:
        backend, lead_id = self._backend, self._lead_id
        assert backend is not None and lead_id is not None
        self._status("Retrying…")
        try:
            ticket = await backend.retry_run(run_id)
        except BackendError as exc:
            self._busy = False
            self._status_error(exc)
            self._refresh_buttons()
            return
        self._busy = False
        if lead_id == self._lead_id:
            self._follow(ticket.run_id)

    async def _terminate(self, run_id: str) -> None:
        assert self._backend is not None
        try:
            await self._backend.terminate_run(run_id)
        except BackendError as exc:
            self._status_error(exc)
            self._refresh_buttons()

    # ------------------------------------------------------------------ following a run
    def _follow(self, run_id: str, first: RunSnapshot | None = None) -> None:
        lead_id = self._lead_id or ""
        self._run = first or RunSnapshot(run_id=run_id, lead_id=lead_id, status="queued")
        self.timeline.reset()
        if first is not None:
            self._apply(first)
        else:
            self._status("Queued…")
        self._refresh_buttons()
        running = self._watches.get(run_id)
        if running is None or running.done():
            self._watches[run_id] = self._tasks.spawn(
                self._watch_run(run_id, lead_id), what="follow the evaluation",
                on_error=lambda exc: self._watch_failed(run_id, exc),
            )

    def _is_shown(self, run_id: str) -> bool:
        return self._run is not None and self._run.run_id == run_id

    def _watch_failed(self, run_id: str, exc: BaseException) -> None:
        self._watches.pop(run_id, None)
        if self._is_shown(run_id):
            self._status_error(exc)
            self._run = None
            self._refresh_buttons()

    async def _watch_run(self, run_id: str, lead_id: str) -> None:
        assert self._backend is not None
        last: RunSnapshot | None = None
        try:
            async for snap in self._backend.watch_run(run_id):
                last = snap
                self.run_progress.emit(lead_id, snap)
                if self._is_shown(run_id):
                    self._apply(snap)
        except BackendError as exc:
            if self._is_shown(run_id):
                self._run = None
                self._status_error(exc)
                self.run_status.setText(self.run_status.text() + " — the run may still be going; select "
                                        "the lead again to resume following it.")
                self._refresh_buttons()
            return
        finally:
            self.run_progress.emit(lead_id, None)
            if self._watches.get(run_id) is asyncio.current_task():
                del self._watches[run_id]
        if last is not None and last.finished:
            self.run_finished.emit(lead_id, last)

    def show_snapshot(self, snap: RunSnapshot) -> None:
        """Render a run state (used by ``_watch_run`` and by the screenshot renderer)."""
        self._apply(snap)

    def _apply(self, snap: RunSnapshot) -> None:
        self._run = snap
        self.timeline.update_snapshot(snap)
        self._status(describe_run(snap), snap.status)
        if snap.status in ("errored", "terminated"):
            self.error_banner.show_explanation(run_error(snap), backend=self._backend, run=True)
        else:
            self.error_banner.clear()
        self._refresh_buttons()

    @property
    def followed_runs(self) -> list[str]:
        """Run ids being followed (the shown one and any left running in the background)."""
        return [rid for rid, t in self._watches.items() if not t.done()]

    def _stop_watches(self) -> list[asyncio.Task[None]]:
        tasks = list(self._watches.values())
        for t in tasks:
            t.cancel()
        self._watches.clear()
        return tasks

    # ------------------------------------------------------------------ banners
    def show_duplicate(self, exc: DuplicateDocuments) -> None:
        self._duplicate = exc
        self.duplicate_text.setText(duplicate_html(exc))
        self.force_button.setVisible(exc.can_force)
        self.duplicate_banner.setStyleSheet(banner_qss("duplicateBanner", "B", self.palette()))
        self.duplicate_banner.show()
        self._status("Not started: the documents are unchanged.")
        self._refresh_buttons()

    def show_quota(self, exc: QuotaExceeded) -> None:
        usage = usage_sentence(exc.usage)
        self.quota_text.setText(f"<b>Monthly quota reached.</b> {escape(exc.message)} {usage}".strip())
        self.quota_banner.setStyleSheet(banner_qss("quotaBanner", "D", self.palette()))
        self.quota_banner.show()
        self._status("Not started: the monthly quota is used up.", "errored")
        self._refresh_buttons()

    def open_force_dialog(self) -> ForceReasonDialog | None:
        if self.busy or self._lead_id is None:
            return None
        last = when(self._duplicate.last_evaluated_at) if self._duplicate else None
        dlg = ForceReasonDialog(self, last)
        dlg.submitted.connect(lambda reason: self.request_run(force=True, reason=reason))
        self._force_dialog = dlg
        if self._backend is not None:
            self._tasks.spawn(self._explain_cost(self._backend, dlg), what="read the quota")
        dlg.open()
        return dlg

    async def _explain_cost(self, backend: Backend, dlg: ForceReasonDialog) -> None:
        dlg.set_cost(run_cost_sentence(await backend.usage()))

    async def aclose(self) -> None:
        tasks = self._stop_watches()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
