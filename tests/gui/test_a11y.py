"""Accessibility of the main window: every widget the Tab key reaches (and every table header and
scroll area) has an accessible name, and the high-contrast palette renders legibly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Settings, load_settings
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.palettes import high_contrast_palette, is_high_contrast
from leaselab_desktop.gui.qt import Qt, QtGui, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread  # noqa: F401 - the autouse fixture

# Widgets still unnamed, each with the file that owns it ("objectName" or "Class in parent"); keep empty.
KNOWN_UNNAMED: set[str] = set()


def describe(w: QtWidgets.QWidget) -> str:
    if w.objectName() and not w.objectName().startswith("qt_"):
        return w.objectName()
    parent = w.parentWidget()
    while parent is not None and (not parent.objectName() or parent.objectName().startswith("qt_")):
        parent = parent.parentWidget()
    return f"{type(w).__name__} in {parent.objectName() if parent is not None else '?'}"


def tab_chain(window: QtWidgets.QWidget) -> list[QtWidgets.QWidget]:
    """The widgets Tab visits, in order: the focus chain's visible widgets that take Tab focus."""
    out: list[QtWidgets.QWidget] = []
    w = window.nextInFocusChain()
    while w is not None and w is not window and len(out) < 5000:
        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.window() is window:
            out.append(w)
        w = w.nextInFocusChain()
    return out


def named(w: QtWidgets.QWidget) -> bool:
    """Its own accessible name, or its owner's for a part Qt builds inside a widget (a spin box's
    ``qt_spinbox_lineedit``: screen readers announce the spin box)."""
    parent = w.parentWidget()
    inner = w.objectName().startswith("qt_") or (parent is not None and parent.focusProxy() == w)
    return bool(w.accessibleName().strip()) or (
        inner and parent is not None and bool(parent.accessibleName().strip()))


def unnamed(widgets: list[QtWidgets.QWidget]) -> list[str]:
    return sorted({describe(w) for w in widgets if not named(w)} - KNOWN_UNNAMED)


@pytest.fixture
async def window(paths: Paths, memory_keyring: Any, until: Any) -> AsyncIterator[MainWindow]:
    backend = FakeBackend()

    async def opener(*_a: Any) -> FakeBackend:
        return backend

    tasks = TaskRunner()
    w = MainWindow(paths, Settings(), SecretStore(memory_keyring), tasks, ErrorReporter(), opener=opener,
                   use_tray=False)
    w.resize(1600, 1000)
    w.show()
    await w.open_backend()
    await until(lambda: w.lead_list.model.total == 8)
    w.lead_list.select_lead("lead_1")  # the workspace shows a lead, its evaluation and documents
    await until(lambda: w.workspace.card.evaluation is not None)
    yield w
    await w.shutdown()
    w.close()


async def test_every_widget_tab_reaches_has_an_accessible_name(window: MainWindow, qtbot: Any) -> None:
    chain = tab_chain(window)
    names = [describe(w) for w in chain]
    # the order follows the screen: search, filters, the list, then the workspace
    assert names.index("searchBox") < names.index("statusFilter") < names.index("leadTable")
    assert names.index("leadTable") < names.index("overrideButton")
    assert unnamed(chain) == []
    # Tab itself goes the same way: from the search box, focusNextChild reaches the table and beyond
    window.activateWindow()
    window.lead_list.search_box.setFocus(Qt.FocusReason.TabFocusReason)
    seen: list[QtWidgets.QWidget] = []
    for _ in range(len(chain)):
        focused = QtWidgets.QApplication.focusWidget()
        if focused is None:
            break
        seen.append(focused)
        focused.focusNextChild()
    assert window.lead_list.table in seen
    assert unnamed(seen) == []


async def test_headers_and_scroll_areas_are_named(window: MainWindow) -> None:
    parts: list[QtWidgets.QWidget] = [
        w for cls in (QtWidgets.QHeaderView, QtWidgets.QAbstractScrollArea)
        for w in window.findChildren(cls) if w.isVisible()
    ]
    assert window.lead_list.table.horizontalHeader() in parts
    assert unnamed(parts) == [], unnamed(parts)


def _contrast(a: QtGui.QColor, b: QtGui.QColor) -> float:
    def lum(c: QtGui.QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_high_contrast_palette_meets_wcag_aaa() -> None:
    pal = high_contrast_palette()
    role = QtGui.QPalette.ColorRole
    for fg, bg in ((role.Text, role.Base), (role.WindowText, role.Window), (role.ButtonText, role.Button),
                   (role.HighlightedText, role.Highlight), (role.PlaceholderText, role.Base),
                   (role.Link, role.Base), (role.ToolTipText, role.ToolTipBase)):
        assert _contrast(pal.color(fg), pal.color(bg)) >= 7.0, (fg, bg)
    disabled = pal.color(QtGui.QPalette.ColorGroup.Disabled, role.Text)
    assert _contrast(disabled, pal.color(role.Base)) >= 4.5 and disabled != pal.color(role.Text)


async def test_high_contrast_from_the_view_menu_renders_and_is_kept(window: MainWindow, paths: Paths,
                                                                    until: Any) -> None:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    before = app.palette().color(QtGui.QPalette.ColorRole.Window)
    action = window.high_contrast_action
    assert action.isCheckable() and not action.isChecked()
    try:
        action.trigger()
        assert is_high_contrast(app) and load_settings(paths).high_contrast
        table = window.lead_list.table
        table.viewport().update()
        bottom = table.viewport().height() - 3  # below the rows: the table's base
        await until(lambda: table.viewport().grab().toImage().pixelColor(2, bottom) == QtGui.QColor("#000000"))
        image = table.viewport().grab().toImage()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
                   for y in range(0, min(image.height(), 200), 2)}
        assert "#ffffff" in colours  # the names are drawn white on black
        # a badge keeps a readable colour on black (its dark-window variant)
        assert window.lead_list.model.rowCount() and table.palette().color(QtGui.QPalette.ColorRole.Base) == \
            QtGui.QColor("#000000")
    finally:
        action.trigger()
    assert not is_high_contrast(app) and not load_settings(paths).high_contrast
    assert app.palette().color(QtGui.QPalette.ColorRole.Window) == before


async def test_the_settings_and_override_dialogs_name_what_tab_reaches(window: MainWindow, until: Any) -> None:
    window.open_settings()
    dialog = window._settings_dialog.dialog
    await until(dialog.isVisible)
    tabs = dialog.findChild(QtWidgets.QTabWidget, "tabs")
    missing: set[str] = set()
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        missing.update(unnamed(tab_chain(dialog)))
    dialog.reject()
    card = window.workspace.card
    override = card.open_override_dialog()
    assert override is not None
    await until(override.dialog.isVisible)
    missing.update(unnamed(tab_chain(override.dialog)))
    override.dialog.reject()
    assert sorted(missing) == [], sorted(missing)


def test_saving_the_settings_dialog_keeps_the_high_contrast_choice(qtbot: Any, paths: Paths,
                                                                   memory_keyring: Any) -> None:
    from leaselab_desktop.gui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(paths, Settings(high_contrast=True), SecretStore(memory_keyring))
    qtbot.addWidget(dlg.dialog)
    assert dlg.collect().high_contrast is True  # set in the View menu, not in the dialog
    dlg.dialog.deleteLater()
