"""Exports land where agents look: the save dialog starts in the Documents folder, and once the file
is written a small dialog offers Open and Show in folder (the OS's viewer / file manager)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from leaselab_desktop import platforms
from leaselab_desktop.gui.qt import QtCore, QtWidgets

Opener = Callable[[Path], None]


def default_folder() -> Path:
    """The user's Documents folder as Qt knows it (it follows the OS's redirections), else the
    core's answer (platformdirs, then ~/Documents, then home): never the working directory."""
    known = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
    return platforms.documents_dir(known=known or None)


def save_dialog(parent: QtWidgets.QWidget, title: str, name: str, filters: list[str],
                on_selected: Callable[[Path, str], object], object_name: str) -> QtWidgets.QFileDialog:
    """A non-blocking Save dialog in the Documents folder; ``on_selected(path, chosen filter)``."""
    dlg = QtWidgets.QFileDialog(parent, title)
    dlg.setObjectName(object_name)
    dlg.setAccessibleName(title)
    dlg.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptSave)
    dlg.setNameFilters(filters)
    dlg.setDirectory(str(default_folder()))
    dlg.selectFile(name)
    dlg.fileSelected.connect(lambda chosen: on_selected(Path(chosen), dlg.selectedNameFilter()))
    dlg.finished.connect(dlg.deleteLater)
    dlg.open()
    return dlg


class SavedDialog(QtWidgets.QDialog):
    """"Saved to …" with Open, Show in folder and Close. It stays open when opening fails, saying
    why (no viewer for PDF files, the file was moved meanwhile)."""

    def __init__(
        self, path: Path, what: str, parent: QtWidgets.QWidget | None = None, *,
        opener: Opener | None = None, shower: Opener | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.path = path
        self._open = opener or platforms.open_externally
        self._show = shower or platforms.show_in_folder
        self.setObjectName("savedDialog")
        self.setWindowTitle(f"{what} saved")
        self.setAccessibleName(f"{what} saved")
        self.message = QtWidgets.QLabel(f"<b>{escape(what)} saved</b><br>{escape(path.name)}", self)
        self.message.setObjectName("savedMessage")
        self.message.setAccessibleName(f"{what} saved as {path.name}")
        self.where = QtWidgets.QLabel(f"In the folder {path.parent}", self)
        self.where.setObjectName("savedWhere")
        self.where.setAccessibleName("Where it was saved")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QtWidgets.QDialogButtonBox(self)
        role = QtWidgets.QDialogButtonBox.ButtonRole
        self.open_button = buttons.addButton("Open", role.ActionRole)
        self.open_button.setObjectName("openSavedButton")
        self.open_button.setAccessibleName(f"Open {path.name}")
        self.folder_button = buttons.addButton("Show in folder", role.ActionRole)
        self.folder_button.setObjectName("showSavedButton")
        self.folder_button.setAccessibleName(f"Show {path.name} in its folder")
        self.close_button = buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeSavedButton")
        self.close_button.setAccessibleName("Close")
        self.open_button.clicked.connect(lambda: self._run(self._open))
        self.folder_button.clicked.connect(lambda: self._run(self._show))
        buttons.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.where)
        lay.addWidget(buttons)
        self.open_button.setDefault(True)
        self.setMinimumWidth(440)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)

    def _run(self, act: Opener) -> None:
        try:
            act(self.path)
        except FileNotFoundError:
            self.where.setText(f"{self.path} is no longer there: it was moved or deleted. Export it again.")
        except OSError as exc:
            self.where.setText(f"Nothing on this computer could open it ({exc}). The file is in "
                                    f"{self.path.parent}.")
        else:
            self.accept()


def offer_open(parent: QtWidgets.QWidget | None, path: Path, what: str) -> SavedDialog:
    box = SavedDialog(path, what, parent)
    box.show()
    return box
