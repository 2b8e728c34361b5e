"""Load the Qt Designer forms of ``ui/`` at run time (QUiLoader; no compile step)."""

from __future__ import annotations

from typing import TypeVar

from leaselab_desktop.gui.qt import QtCore, QtUiTools, QtWidgets
from leaselab_desktop.resources import ui_dir

W = TypeVar("W", bound=QtWidgets.QWidget)


def load_form(name: str, parent: QtWidgets.QWidget | None = None) -> QtWidgets.QWidget:
    path = ui_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"Qt form {name} is missing (looked in {path.parent})")
    file = QtCore.QFile(str(path))
    if not file.open(QtCore.QIODevice.OpenModeFlag.ReadOnly):
        raise OSError(f"cannot read {path}: {file.errorString()}")
    try:
        widget = QtUiTools.QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"Qt form {name} could not be loaded")
    return widget


def child(root: QtWidgets.QWidget, kind: type[W], name: str) -> W:
    found = root.findChild(kind, name)
    if found is None:
        raise LookupError(f"form {root.objectName()} has no {kind.__name__} named {name}")
    return found
