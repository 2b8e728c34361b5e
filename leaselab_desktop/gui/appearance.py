"""``View → High contrast``: the checkable action, applied at once and kept in the settings."""

from __future__ import annotations

import logging
from typing import Protocol

from leaselab_desktop.config import Paths, Settings, SettingsError, save_settings
from leaselab_desktop.gui.palettes import apply_high_contrast, is_high_contrast
from leaselab_desktop.gui.qt import QtGui, QtWidgets

log = logging.getLogger(__name__)


class SettingsOwner(Protocol):
    """The main window: where the settings live and are saved."""

    paths: Paths
    settings: Settings


def high_contrast_action(window: QtWidgets.QWidget, owner: SettingsOwner) -> QtGui.QAction:
    action = QtGui.QAction("&High contrast", window)
    action.setObjectName("highContrastAction")
    action.setCheckable(True)
    app = QtWidgets.QApplication.instance()
    action.setChecked(isinstance(app, QtWidgets.QApplication) and is_high_contrast(app))
    action.setStatusTip("White on black with a bright selection, for low vision or bright rooms")
    action.setToolTip(action.statusTip())
    action.toggled.connect(lambda on: set_high_contrast(owner, on))
    window.addAction(action)
    return action


def set_high_contrast(owner: SettingsOwner, on: bool) -> None:
    app = QtWidgets.QApplication.instance()
    if isinstance(app, QtWidgets.QApplication):
        apply_high_contrast(app, on)
    if owner.settings.high_contrast == on:
        return
    owner.settings = owner.settings.model_copy(update={"high_contrast": on})
    try:  # a few hundred bytes, as the Settings dialog writes them
        save_settings(owner.paths, owner.settings)
    except (OSError, SettingsError) as exc:
        log.warning("the high-contrast choice was not saved: %s", exc)
