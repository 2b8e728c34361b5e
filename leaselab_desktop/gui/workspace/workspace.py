"""LeadWorkspace: the right-hand side of the console for one lead — detail, evaluation, result —
plus the "New lead…" intake and batch evaluation.

Signals:
- ``lead_changed(str lead_id)``: the lead's stored data changed (created, document attached, run
  finished, override saved); the shell refreshes that row.
- ``run_finished(str lead_id, object snapshot)``: a run followed here or in a batch ended (the final
  ``RunSnapshot``; ``snapshot.status`` is complete / errored / terminated).
- ``batch_row_state(str lead_id, str state)`` and ``batch_progress(int done, int total)``.
- ``usage_changed(object usage)``: a start or a quota refusal reported the month's ``Usage``.
"""

from __future__ import annotations

import asyncio

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendError, NotSupported
from leaselab_desktop.domain.models import Evaluation, NewLead, RunSnapshot
from leaselab_desktop.gui.adaptive import AdaptivePanes
from leaselab_desktop.gui.qt import QtCore, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.batch import BatchController, BatchPanel
from leaselab_desktop.gui.workspace.evaluation_panel import EvaluationPanel
from leaselab_desktop.gui.workspace.lead_detail import LeadDetail
from leaselab_desktop.gui.workspace.new_lead_dialog import NewLeadDialog
from leaselab_desktop.gui.workspace.result_card import ResultCard
from leaselab_desktop.gui.workspace.result_header import ResultHeader
from leaselab_desktop.gui.workspace.timeline import run_error

NARROW_WORKSPACE = 880  # px: below it, Lead / Evaluation / Document become tabs


def _scroll(widget: QtWidgets.QWidget, parent: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    area = QtWidgets.QScrollArea(parent)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class LeadWorkspace(QtWidgets.QWidget):
    lead_changed = Signal(str)
    run_finished = Signal(str, object)
    run_progress = Signal(str, object)  # (lead id, RunSnapshot or None): a followed run's live state
    batch_row_state = Signal(str, str)
    batch_progress = Signal(int, int)
    usage_changed = Signal(object)  # Usage, when a start reports it

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadWorkspace")
        self.setAccessibleName("Lead workspace")
        self.tasks = tasks
        self._backend: Backend | None = None
        self._lead_id: str | None = None
        self._generation = 0
        self._new_lead_dialog: NewLeadDialog | None = None
        self._restored = False

        self.new_lead_button = QtWidgets.QPushButton("New lead…", self)
        self.new_lead_button.setObjectName("newLeadButton")
        self.new_lead_button.setAccessibleName("Create a new lead")
        self.new_lead_button.clicked.connect(lambda _c=False: self.open_new_lead_dialog())
        self.delete_data_button = QtWidgets.QPushButton("Delete applicant data…", self)
        self.delete_data_button.setObjectName("deleteApplicantDataButton")
        self.delete_data_button.setAccessibleName("Delete this applicant's documents")
        self.delete_data_button.setToolTip("Delete the documents and their extracted text now; the evaluation "
                                           "record and the audit trail are kept")
        self.delete_data_button.setEnabled(False)
        self.delete_data_button.clicked.connect(lambda _c=False: self.ask_delete_applicant_data())
        self.message = QtWidgets.QLabel("", self)
        self.message.setObjectName("workspaceMessage")
        self.message.setWordWrap(True)

        self.detail = LeadDetail(tasks, self)
        self.panel = EvaluationPanel(tasks, self)
        self.card = ResultCard(tasks, self)
        self.batch = BatchController(tasks, self)
        self.batch_panel = BatchPanel(self.batch, self)

        self.header = ResultHeader(self.card, self)
        self._build_panes()

        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(self.delete_data_button)
        top.addWidget(self.new_lead_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.panes, 1)
        lay.addWidget(self.batch_panel)

        self.detail.evaluation_selected.connect(self._show_evaluation)
        self.detail.documents.document_opened.connect(lambda _n: self.panes.show_pane(self.viewer))
        self.panel.run_started.connect(lambda _l, _r: self.reveal_run())
        self.card.override_saved.connect(lambda _o: self.header.refresh())
        self.card.decision_changed.connect(self.header.refresh)  # e.g. the override trail loaded later
        for shown in (self.panel.timeline, self.panel.duplicate_banner, self.panel.quota_banner):
            shown.installEventFilter(self)  # whatever appears at the top of a run is scrolled to
        self.detail.documents.files_changed.connect(self._on_files_changed)
        self.panel.run_finished.connect(self._on_run_finished)
        self.panel.usage_changed.connect(self.usage_changed)
        for source in (self.panel, self.batch):
            source.run_progress.connect(self.run_progress)
        self.card.override_saved.connect(lambda _o: self._emit_changed(self._lead_id))
        self.batch.row_state.connect(self.batch_row_state)
        self.batch.progress.connect(self.batch_progress)
        self.batch.run_finished.connect(self._on_batch_run_finished)
        self.show_lead(None)

    def _build_panes(self) -> None:
        """Lead | Evaluation + Document side by side; all three as tabs when the workspace is narrow."""
        self.viewer = self.detail.documents.preview
        self.lead_scroll = _scroll(self.detail, self)
        self.lead_scroll.setObjectName("leadScroll")
        self.lead_scroll.setAccessibleName("Lead")
        self.lead_scroll.setMinimumWidth(300)  # facts and document names stay readable beside the result
        right = QtWidgets.QWidget(self)
        rl = QtWidgets.QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.panel)
        rl.addWidget(self.card)
        rl.addStretch(1)
        self.result_scroll = _scroll(right, self)
        self.result_scroll.setObjectName("resultScroll")
        self.result_scroll.setAccessibleName("Evaluation and result")
        self.evaluation_page = QtWidgets.QWidget(self)
        self.evaluation_page.setObjectName("evaluationPage")
        self.evaluation_page.setAccessibleName("Evaluation")
        el = QtWidgets.QVBoxLayout(self.evaluation_page)
        el.setContentsMargins(0, 0, 0, 0)
        el.addWidget(self.header)  # outside the scroll area: the actions never scroll away
        el.addWidget(self.result_scroll, 1)
        self.viewer.setParent(self)
        self.viewer.show()
        self.panes = AdaptivePanes("workspacePanes", NARROW_WORKSPACE, self, min_width=360,
                                   accessible="Lead, evaluation and document")
        self.panes.add_group([(self.lead_scroll, "Lead")], stretch=2)
        holder = self.panes.add_group([(self.evaluation_page, "Evaluation"), (self.viewer, "Document")],
                                      stretch=3, accessible="Evaluation and document")
        if holder is not None:
            holder.setMinimumWidth(420)  # the header's buttons and the run's steps fit
        self.splitter = self.panes.splitter
        self.splitter.setObjectName("workspaceSplitter")
        self._sized = False

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._sized and self.splitter.width() > 0:
            self._sized = True
            if not self._restored:
                w = self.splitter.width()
                self.splitter.setSizes([w * 2 // 5, w - w * 2 // 5])

    def save_layout(self) -> QtCore.QByteArray:
        """The splitter's state, for the window's saved layout."""
        return self.panes.save_layout()

    def restore_layout(self, state: QtCore.QByteArray) -> bool:
        self._restored = self.panes.restore_layout(state)
        return self._restored

    def reveal_run(self) -> None:
        """Bring the run's banner, status and timeline into view (a new run, a resumed one)."""
        self.panes.show_pane(self.evaluation_page)
        self.result_scroll.verticalScrollBar().setValue(0)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ShowToParent:  # shown by the panel, not by a tab switch
            self.reveal_run()
        return super().eventFilter(watched, event)

    def _show_evaluation(self, ev: Evaluation | None) -> None:
        self.card.show_evaluation(ev)
        self.header.refresh()
        self.detail.documents.set_signals(list(ev.signals) if ev is not None else [])

    # ------------------------------------------------------------------ public API
    @property
    def backend(self) -> Backend | None:
        return self._backend

    @property
    def lead_id(self) -> str | None:
        return self._lead_id

    def set_backend(self, backend: Backend | None) -> None:
        self.batch.cancel()
        self._backend = backend
        self.detail.documents.set_backend(backend)
        self.panel.set_backend(backend)
        self.card.set_backend(backend)
        self.new_lead_button.setEnabled(backend is not None and backend.kind == "local")
        self.new_lead_button.setToolTip(
            "" if backend is None or backend.kind == "local" else "Leads are created on the website"
        )
        self.show_lead(None)

    def show_lead(self, lead_id: str | None) -> None:
        self._generation += 1
        if lead_id != self._lead_id:
            self.result_scroll.verticalScrollBar().setValue(0)  # a new lead starts at its top
        self._lead_id = lead_id
        self.message.setText("")
        self.delete_data_button.setEnabled(
            lead_id is not None and hasattr(self._backend, "delete_applicant_data"))
        if lead_id is None or self._backend is None:
            self.setWindowTitle("")  # the "Lead" tab of a narrow window names no one
            self.detail.clear("No lead selected" if self._backend else "Not connected")
            self.card.set_lead(None)
            self._show_evaluation(None)
            self.panel.set_lead(None)
            return
        self.panel.set_lead(lead_id)
        self.tasks.spawn(self.load_lead(lead_id), what="load the lead")

    async def load_lead(self, lead_id: str, *, select: str | None = None) -> bool:
        """Load (or reload) the shown lead; False when it failed or another lead was chosen."""
        backend, gen = self._backend, self._generation
        if backend is None:
            return False
        files_read = asyncio.ensure_future(backend.list_files(lead_id))
        try:
            lead, history = await asyncio.gather(backend.get_lead(lead_id), backend.evaluation_history(lead_id))
        except BackendError as exc:
            files_read.cancel()
            if gen == self._generation:
                self.detail.clear("Lead unavailable")
                self._show_evaluation(None)
                self.message.setText(f"Could not load the lead: {exc.message}")
            return False
        # a file listing that fails (deployed workers answer 500 for some leads) leaves the
        # applicant, history and evaluation shown; the Documents box says what went wrong
        files_error: str | None = None
        try:
            files = await files_read
        except BackendError as exc:
            files, files_error = [], exc.message
        if gen != self._generation:
            return False
        history = sorted(history, key=lambda e: e.evaluated_at.timestamp() if e.evaluated_at else 0,
                         reverse=True)
        self.detail.set_lead(lead, files)
        self.setWindowTitle(lead.full_name or lead.id)  # shown on the "Lead" tab of a narrow window
        if files_error is not None:
            self.detail.documents.show_error(f"The documents could not be listed: {files_error}")
        self.detail.set_history(history)
        self.card.set_lead(lead)
        chosen: Evaluation | None = next((e for e in history if e.evaluation_id == select), None)
        chosen = chosen or (history[0] if history else None)
        if chosen is not None and history:
            self.detail.select_history(chosen.evaluation_id)
        self._show_evaluation(chosen)
        self.panel.set_has_evaluation(bool(history))
        await self.panel.resume()
        return True

    def ask_delete_applicant_data(self) -> QtWidgets.QInputDialog | None:
        """Ask for the reason (kept in the audit trail), then delete; the dialog is opened, not
        exec()'d, so no nested event loop runs inside the app's coroutines."""
        backend, lead_id = self._backend, self._lead_id
        if backend is None or lead_id is None or not hasattr(backend, "delete_applicant_data"):
            return None
        dialog = QtWidgets.QInputDialog(self)
        dialog.setObjectName("deleteApplicantDataDialog")
        dialog.setWindowTitle("Delete applicant data")
        dialog.setLabelText(
            f"Delete the documents of {self.detail.name.text()} and their extracted text from this computer "
            "now? The evaluation record and the audit trail are kept.\n\nReason (kept in the audit trail):")

        def accepted(reason: str) -> None:
            if not reason.strip():
                self.message.setText("Nothing was deleted: a reason is required.")
                return
            self.tasks.spawn(self._delete_applicant_data(backend, lead_id, reason.strip()),
                             what="delete the applicant data")

        dialog.textValueSelected.connect(accepted)
        dialog.open()
        return dialog

    async def _delete_applicant_data(self, backend: Backend, lead_id: str, reason: str) -> None:
        try:
            done = await backend.delete_applicant_data(lead_id, reason=reason)  # type: ignore[attr-defined]
        except BackendError as exc:
            self.message.setText(f"Nothing was deleted: {exc.message}")
            return
        what = done.line() if hasattr(done, "line") else f"{done} cached document(s) removed"
        self.message.setText(f"Applicant data deleted ({what}). The evaluation record and the audit trail are kept.")
        if lead_id == self._lead_id:
            await self.load_lead(lead_id)

    def start_batch(self, lead_ids: list[str]) -> bool:
        if self._backend is None:
            self.message.setText("Not connected: the batch was not started.")
            return False
        if self.batch.running:
            self.message.setText("A batch is already running; cancel it first to start another.")
            return False
        return self.batch.start(self._backend, lead_ids)

    def open_new_lead_dialog(self) -> None:
        backend = self._backend
        if backend is None or backend.kind != "local":
            self.message.setText("New leads can only be created on the local backend; "
                                 "use the website for this profile.")
            return
        self.tasks.spawn(self._open_new_lead(backend), what="open the new lead dialog")

    def run_current(self) -> bool:
        """Run (or re-evaluate) the shown lead, as the Run / Re-evaluate buttons do (Ctrl+R)."""
        if self.panel.busy or self._lead_id is None or self._backend is None:
            return False
        self.panel.request_run()
        return True

    async def aclose(self) -> None:
        """Stop following runs and the batch (the runs themselves go on in the backend)."""
        self.batch.cancel()
        await self.batch.wait()
        await self.panel.aclose()

    shutdown = aclose  # the main window awaits ``workspace.shutdown()`` at quit

    # ------------------------------------------------------------------ new lead
    async def _open_new_lead(self, backend: Backend) -> NewLeadDialog | None:
        try:
            props = await backend.list_properties()
        except NotSupported as exc:
            self.message.setText(exc.message)
            return None
        except BackendError as exc:
            self.message.setText(f"Could not load the properties: {exc.message}")
            return None
        if not props:
            self.message.setText("This site has no property yet; a lead needs a property.")
            return None
        dlg = NewLeadDialog(props, self)
        dlg.property_changed.connect(
            lambda pid: self.tasks.spawn(self._load_units(backend, dlg, pid), what="load the units")
        )
        dlg.submitted.connect(
            lambda new: self.tasks.spawn(self._create_lead(backend, dlg, new), what="create the lead")
        )
        self._new_lead_dialog = dlg
        dlg.open()
        return dlg

    async def _load_units(self, backend: Backend, dlg: NewLeadDialog, property_id: str) -> None:
        if not property_id:
            return
        try:
            units = await backend.list_units(property_id)
        except BackendError as exc:
            dlg.show_error(f"Could not load the units: {exc.message}")
            return
        dlg.set_units(property_id, units)

    async def _create_lead(self, backend: Backend, dlg: NewLeadDialog, new: NewLead) -> None:
        try:
            lead = await backend.create_lead(new)
        except BackendError as exc:
            dlg.show_error(f"The lead was not created: {exc.message}")
            return
        dlg.dialog.accept()
        self._emit_changed(lead.id)
        self.show_lead(lead.id)
        self.message.setText(f"Lead {lead.full_name} created. Attach the documents, then run an evaluation.")

    # ------------------------------------------------------------------ reactions
    def _emit_changed(self, lead_id: str | None) -> None:
        if lead_id:
            self.lead_changed.emit(lead_id)

    def _on_files_changed(self, lead_id: str) -> None:
        self._emit_changed(lead_id)

    def _on_run_finished(self, lead_id: str, snap: RunSnapshot) -> None:
        self.run_finished.emit(lead_id, snap)
        self._emit_changed(lead_id)
        if lead_id == self._lead_id and snap.status == "complete":
            select = snap.output.evaluation_id if snap.output else None
            self.tasks.spawn(self.load_lead(lead_id, select=select), what="show the new evaluation")
        elif lead_id == self._lead_id and snap.status in ("errored", "terminated"):
            self.card.mark_previous(run_error(snap).what)  # the card still shows an older result

    def _on_batch_run_finished(self, lead_id: str, snap: RunSnapshot) -> None:
        self.run_finished.emit(lead_id, snap)
        self._emit_changed(lead_id)
        if lead_id == self._lead_id and not self.panel.busy:
            self.tasks.spawn(self.load_lead(lead_id), what="refresh the lead")
