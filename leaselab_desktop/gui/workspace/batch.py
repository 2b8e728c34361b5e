"""Batch evaluation: many leads, bounded concurrency, per-row state and overall progress.

Row states: ``queued`` → ``running`` → ``complete`` | ``errored`` | ``skipped-duplicate`` | ``quota``
| ``cancelled``. Once the quota is used up the leads still queued are marked ``quota`` without
another request.
"""

from __future__ import annotations

import asyncio

from leaselab_desktop.application.evaluations import Evaluations
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import (
    BackendError,
    DuplicateDocuments,
    QuotaExceeded,
)
from leaselab_desktop.domain.models import RunSnapshot
from leaselab_desktop.gui.qt import QObject, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner

FINAL_STATES = frozenset({"complete", "errored", "skipped-duplicate", "quota", "cancelled"})
DEFAULT_CONCURRENCY = 4


class BatchController(QObject):
    row_state = Signal(str, str)  # (lead id, state)
    progress = Signal(int, int)  # (done, total)
    finished = Signal(dict)  # {lead id: final state}
    run_finished = Signal(str, object)  # (lead id, final RunSnapshot) for each run that ended
    run_progress = Signal(str, object)  # (lead id, each RunSnapshot of its run)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None, *,
                 concurrency: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(parent)
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._tasks = tasks
        self.concurrency = concurrency
        self._task: asyncio.Task[dict[str, str]] | None = None
        self.states: dict[str, str] = {}
        self.max_running = 0
        self._quota_hit = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, backend: Backend, lead_ids: list[str]) -> bool:
        """Start a batch; False when one is already going or there is nothing to do."""
        ids = list(dict.fromkeys(lead_ids))  # keep order, drop repeats
        if self.running or not ids:
            return False
        self.states = {lid: "queued" for lid in ids}
        self.max_running = 0
        self._quota_hit = False
        for lid in ids:
            self.row_state.emit(lid, "queued")
        self.progress.emit(0, len(ids))
        self._task = self._tasks.spawn(self._run_all(backend, ids), what="evaluate the selected leads")
        return True

    def cancel(self) -> None:
        if self.running and self._task is not None:
            self._task.cancel()

    async def wait(self) -> dict[str, str]:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        return dict(self.states)

    def _set(self, lead_id: str, state: str) -> None:
        self.states[lead_id] = state
        self.row_state.emit(lead_id, state)
        if state in FINAL_STATES:
            done = sum(1 for s in self.states.values() if s in FINAL_STATES)
            self.progress.emit(done, len(self.states))

    async def _run_all(self, backend: Backend, ids: list[str]) -> dict[str, str]:
        sem = asyncio.Semaphore(self.concurrency)

        async def one(lead_id: str) -> None:
            async with sem:
                if self._quota_hit:
                    self._set(lead_id, "quota")
                    return
                self._set(lead_id, "running")
                self.max_running = max(self.max_running,
                                       sum(1 for s in self.states.values() if s == "running"))
                self._set(lead_id, await self._evaluate(backend, lead_id))

        try:
            await asyncio.gather(*(one(lid) for lid in ids))
        except asyncio.CancelledError:
            for lid, state in self.states.items():
                if state not in FINAL_STATES:
                    self._set(lid, "cancelled")
            self.finished.emit(dict(self.states))
            raise
        self.finished.emit(dict(self.states))
        return dict(self.states)

    async def _evaluate(self, backend: Backend, lead_id: str) -> str:
        try:  # a lead with an unfinished run: that run is followed
            run_id = (await Evaluations(backend).start_or_join(lead_id)).run_id
        except DuplicateDocuments:
            return "skipped-duplicate"
        except QuotaExceeded:
            self._quota_hit = True
            return "quota"
        except BackendError:
            return "errored"
        last: RunSnapshot | None = None
        try:
            async for snap in backend.watch_run(run_id):
                last = snap
                self.run_progress.emit(lead_id, snap)
        except BackendError:
            return "errored"
        if last is None:
            return "errored"
        self.run_finished.emit(lead_id, last)
        return "complete" if last.status == "complete" else "errored"


class BatchPanel(QtWidgets.QFrame):
    """Overall progress (``batchProgress``), a summary line and Cancel."""

    def __init__(self, controller: BatchController, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchPanel")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.controller = controller
        self.title = QtWidgets.QLabel("Batch evaluation", self)
        self.bar = QtWidgets.QProgressBar(self)
        self.bar.setObjectName("batchProgress")
        self.bar.setAccessibleName("Batch progress")
        self.bar.setFormat("%v of %m")
        self.summary = QtWidgets.QLabel("", self)
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        self.cancel_button = QtWidgets.QPushButton("Cancel batch", self)
        self.cancel_button.setObjectName("batchCancelButton")
        self.cancel_button.setAccessibleName("Cancel the batch")
        self.cancel_button.clicked.connect(controller.cancel)
        self.dismiss_button = QtWidgets.QPushButton("Dismiss", self)
        self.dismiss_button.setObjectName("batchDismissButton")
        self.dismiss_button.setAccessibleName("Hide the batch summary")
        self.dismiss_button.clicked.connect(self.hide)
        self.dismiss_button.hide()
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.title)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.dismiss_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        controller.progress.connect(self._on_progress)
        controller.row_state.connect(lambda _lid, _s: self._summarise())
        controller.finished.connect(self._on_finished)
        self.hide()

    def _on_progress(self, done: int, total: int) -> None:
        self.show()
        if done == 0:
            self.title.setText("Batch evaluation")
            self.cancel_button.show()
            self.dismiss_button.hide()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.cancel_button.setEnabled(self.controller.running or done < total)

    def _summarise(self) -> None:
        counts: dict[str, int] = {}
        for s in self.controller.states.values():
            counts[s] = counts.get(s, 0) + 1
        order = ("running", "queued", "complete", "errored", "skipped-duplicate", "quota", "cancelled")
        self.summary.setText(" · ".join(f"{counts[k]} {k.replace('-', ' ')}" for k in order if counts.get(k)))

    def _on_finished(self, states: dict[str, str]) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
        self.dismiss_button.show()
        self._summarise()
        self.title.setText("Batch finished")
