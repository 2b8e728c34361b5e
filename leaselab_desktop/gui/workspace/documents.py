"""The lead's documents: list (name, type, size, uploaded), the viewer they open in, and attaching
files (file picker or drag-and-drop; local backend only).

The viewer (``self.preview``) is made here but laid out by the workspace, where it has room; the
evidence of the shown evaluation's signals is outlined on the document it is about."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.domain.evidence import marks_for
from leaselab_desktop.domain.models import LeadFile
from leaselab_desktop.domain.models import Signal as EvidenceSignal
from leaselab_desktop.domain.timefmt import fmt_date
from leaselab_desktop.domain.vocab import FILE_TYPES
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.workspace.style import human, size, when
from leaselab_desktop.gui.workspace.viewer import DocumentViewer

MAX_ATTACH_BYTES = 25 * 1024 * 1024
_GUESS = (
    (("paystub", "pay_stub", "pay-stub", "payslip", "pay stub"), "paystub"),
    (("bank", "statement"), "bank_statement"),
    (("passport", "licence", "license", "government", "id_", "id.", "_id"), "government_id"),
    (("tax", "t4", "noa", "w2"), "tax_return"),
    (("letter", "employment", "offer"), "employment_letter"),
)


def guess_file_type(name: str) -> str:
    low = name.lower()
    for needles, kind in _GUESS:
        if any(n in low for n in needles):
            return kind
    return "other"


class DocumentsPanel(QtWidgets.QWidget):
    files_changed = Signal(str)  # lead id whose documents changed
    document_opened = Signal(str)  # file name chosen in the list (the viewer is loading it)

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentsPanel")
        self._tasks = tasks
        self._backend: Backend | None = None
        self._lead_id: str | None = None
        self._files: list[LeadFile] = []
        self._signals: list[EvidenceSignal] = []
        self._picker: QtWidgets.QFileDialog | None = None

        self.tree = QtWidgets.QTreeWidget(self)
        self.tree.setObjectName("documentsList")
        self.tree.setAccessibleName("Documents")
        self.tree.setHeaderLabels(["Name", "Type", "Size", "Uploaded"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        # long names keep both ends ("paystub_…_2026-03.pdf"); the tooltip has the whole name
        self.tree.setTextElideMode(QtCore.Qt.TextElideMode.ElideMiddle)
        self.tree.header().setAccessibleName("Document columns")
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.tree.header().setMinimumSectionSize(60)
        for col in (1, 2, 3):
            self.tree.header().setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setMaximumHeight(150)
        self.tree.currentItemChanged.connect(self._on_current)

        self.attach_button = QtWidgets.QPushButton("Attach documents…", self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAccessibleName("Attach documents")
        self.attach_button.setToolTip("Choose files, or drop them onto the document list")
        self.attach_button.clicked.connect(self.open_file_picker)
        self.type_combo = QtWidgets.QComboBox(self)
        self.type_combo.setObjectName("attachType")
        self.type_combo.setAccessibleName("Type of attached documents")
        self.type_combo.addItem("Type from file name", "")
        for t in FILE_TYPES:
            self.type_combo.addItem(human(t), t)
        self.status = QtWidgets.QLabel("", self)
        self.status.setObjectName("attachStatus")
        self.status.setWordWrap(True)
        self.preview = DocumentViewer(tasks, self)
        self.preview.hide()  # until the workspace places it
        self.preview.document_chosen.connect(self._choose_row)

        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.attach_button)
        row.addWidget(self.type_combo)
        row.addWidget(self.status, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        lay.addLayout(row)
        self._update_intake()

    # ------------------------------------------------------------------ state
    def set_backend(self, backend: Backend | None) -> None:
        self._backend = backend
        self._update_intake()

    def set_files(self, lead_id: str | None, files: list[LeadFile]) -> None:
        changed = lead_id != self._lead_id
        self._lead_id = lead_id
        self._files = list(files)
        self.tree.clear()
        for f in self._files:
            item = QtWidgets.QTreeWidgetItem(
                [f.file_name, human(f.file_type), size(f.file_size), fmt_date(f.uploaded_at)]
            )
            item.setToolTip(3, when(f.uploaded_at))
            item.setData(0, QtCore.Qt.ItemDataRole.UserRole, f.id)
            item.setToolTip(0, f.file_name)
            self.tree.addTopLevelItem(item)
        self.preview.set_documents([f.file_name for f in self._files])
        if changed:
            self.status.setText("")
            self.preview.clear(
                "Select a document in the list to see it here." if files else "This lead has no documents yet."
            )
        self._update_intake()

    def show_error(self, text: str) -> None:
        """The list could not be read: say so where the documents would be."""
        self.status.setText(text)
        self.preview.clear(text)

    def set_signals(self, signals: list[EvidenceSignal]) -> None:
        """The shown evaluation's signals: their evidence is outlined on the documents they name."""
        self._signals = list(signals)
        if self.preview.name:
            self.preview.set_marks(marks_for(self._signals, self.preview.name))

    @property
    def files(self) -> list[LeadFile]:
        return list(self._files)

    def can_attach(self) -> bool:
        return self._backend is not None and self._backend.kind == "local" and self._lead_id is not None

    def _update_intake(self) -> None:
        ok = self.can_attach()
        self.attach_button.setEnabled(ok)
        self.type_combo.setEnabled(ok)
        self.setAcceptDrops(ok)
        if self._backend is not None and self._backend.kind != "local":
            self.attach_button.setToolTip("Documents are uploaded on the website for this backend")

    # ------------------------------------------------------------------ preview
    def _choose_row(self, row: int) -> None:
        item = self.tree.topLevelItem(row)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _on_current(self, item: QtWidgets.QTreeWidgetItem | None, _prev: object = None) -> None:
        if item is None or self._backend is None:
            return
        fid = item.data(0, QtCore.Qt.ItemDataRole.UserRole)
        file = next((f for f in self._files if f.id == fid), None)
        if file is not None:
            self.document_opened.emit(file.file_name)
            self._tasks.spawn(self.preview_file(file), what=f"preview {file.file_name}")

    async def preview_file(self, file: LeadFile) -> None:
        backend = self._backend
        if backend is None:
            return
        self.preview.show_message(f"Loading {file.file_name}…")
        try:
            data = await backend.read_file(file)
        except BackendError as exc:
            self.preview.show_message(f"{file.file_name}: {exc.message}")
            return
        await self.preview.show_document(file.file_name, data, marks_for(self._signals, file.file_name))

    # ------------------------------------------------------------------ attach
    def open_file_picker(self) -> None:
        if not self.can_attach():
            return
        dlg = QtWidgets.QFileDialog(self, "Attach documents")
        dlg.setObjectName("attachFileDialog")
        dlg.setFileMode(QtWidgets.QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilters(["Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.webp)", "All files (*)"])
        dlg.filesSelected.connect(lambda names: self.attach_paths([Path(n) for n in names]))
        dlg.finished.connect(dlg.deleteLater)
        self._picker = dlg
        dlg.open()

    def attach_paths(self, paths: list[Path]) -> None:
        if paths and self.can_attach():
            self._tasks.spawn(self.attach(paths), what="attach documents")

    async def attach(self, paths: list[Path]) -> list[LeadFile]:
        backend, lead_id = self._backend, self._lead_id
        if backend is None or lead_id is None:
            return []
        chosen = self.type_combo.currentData() or ""
        done: list[LeadFile] = []
        problems: list[str] = []
        for path in paths:
            if not path.is_file():
                problems.append(f"{path.name}: not a file")
                continue
            if path.stat().st_size == 0:
                problems.append(f"{path.name}: the file is empty")
                continue
            if path.stat().st_size > MAX_ATTACH_BYTES:
                problems.append(f"{path.name}: larger than {MAX_ATTACH_BYTES // (1024 * 1024)} MB")
                continue
            self.status.setText(f"Attaching {path.name}…")
            try:
                done.append(await backend.attach_file(lead_id, path, chosen or guess_file_type(path.name)))
            except (BackendError, OSError) as exc:
                problems.append(f"{path.name}: {getattr(exc, 'message', None) or exc}")
        if done and lead_id == self._lead_id:
            try:
                self.set_files(lead_id, await backend.list_files(lead_id))
            except BackendError as exc:
                problems.append(exc.message)
        parts = []
        if done:
            parts.append(f"Attached {len(done)} document{'s' if len(done) != 1 else ''}.")
        if problems:
            parts.append("Not attached: " + "; ".join(problems))
        self.status.setText(" ".join(parts))
        if done:
            self.files_changed.emit(lead_id)
        return done

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def _local_paths(mime: QtCore.QMimeData) -> list[Path]:
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self.can_attach() and self._local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QtGui.QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        paths = self._local_paths(event.mimeData())
        if not (self.can_attach() and paths):
            event.ignore()
            return
        event.acceptProposedAction()
        self.attach_paths(paths)
