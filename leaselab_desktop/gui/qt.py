"""The one place the Qt binding is imported; swap PySide6 here and nowhere else."""

from PySide6 import QtCore, QtGui, QtUiTools, QtWidgets
from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot

__all__ = [
    "Property",
    "QObject",
    "QTimer",
    "Qt",
    "QtCore",
    "QtGui",
    "QtUiTools",
    "QtWidgets",
    "Signal",
    "Slot",
]
