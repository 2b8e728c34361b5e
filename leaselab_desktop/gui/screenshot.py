"""``--screenshot DIR``: render each main screen and state of the console to PNG (offscreen)."""

from __future__ import annotations

import asyncio
import importlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.domain.models import Health, Usage
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.shots import save, settle
from leaselab_desktop.gui.shots import wait_for as _wait

if TYPE_CHECKING:
    from leaselab_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)
SIZE = QtCore.QSize(1600, 1000)


class _UnreachableBackend:
    """Wraps the open backend for the 'backend down' picture: health and usage fail."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.kind = inner.kind

    async def health(self) -> Health:
        raise BackendUnavailable("Connection refused (the server did not answer).")

    async def usage(self) -> Usage:
        raise BackendUnavailable("Connection refused (the server did not answer).")


async def render_screenshots(window: MainWindow, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    window.resize(SIZE)
    window.show()
    await window.open_backend()
    await _wait(lambda: not window.lead_list.loading and window.lead_list.model.total > 0)
    await settle(200)
    written.append(save(window, out_dir / "01-main-window.png"))

    if window.lead_list.model.rowCount():
        window.lead_list.select_row(0)
        await settle(1200)  # the workspace loads the lead, its documents and its result
    written.append(save(window, out_dir / "02-lead-selected.png"))

    window.lead_list.search_box.setText("zzzz-no-such-applicant")
    window.lead_list.apply_filter()
    await settle()
    written.append(save(window, out_dir / "03-filtered-empty.png"))
    window.lead_list.clear_filters()
    label_combo = window.lead_list.label_filter
    label_combo.setCurrentIndex(max(label_combo.findData("B"), 0))
    await settle()
    written.append(save(window, out_dir / "04-filtered-label-b.png"))
    window.lead_list.clear_filters()
    await settle()

    usage = Usage(month=datetime.now(UTC).strftime("%Y-%m"), evaluation_count=17, quota_limit=20,
                  tier="free")
    window.monitor.record_usage(usage)
    await settle()
    written.append(save(window, out_dir / "05-quota-warning.png"))
    window.monitor.record_usage(usage.model_copy(update={"evaluation_count": 20, "remaining": 0,
                                                         "percentage": 100.0}))
    await settle()
    written.append(save(window, out_dir / "06-quota-blocked.png"))

    backend = window.backend
    if backend is not None:
        last_contact = window.monitor.last_contact
        window.monitor.start(_UnreachableBackend(backend), window.profile_name)  # type: ignore[arg-type]
        window.monitor.last_contact = last_contact  # down since the last good check
        await _wait(lambda: window.monitor.checks > 0 and window.monitor.state == "offline", 5)
        await settle()
        written.append(save(window, out_dir / "07-backend-down.png"))
        window.monitor.start(backend, window.profile_name)
        await settle()

    try:
        raise RuntimeError("Example failure: the document store could not be read.")
    except RuntimeError as exc:
        window.reporter.report("Loading documents failed", exc)
    await settle()
    written.append(save(window, out_dir / "08-error-panel.png"))
    window.error_panel.dismiss()

    window.open_settings()
    await settle(200)
    dialog = window._settings_dialog.dialog
    written.append(save(dialog, out_dir / "09-settings-profiles.png"))
    tabs = dialog.findChild(QtWidgets.QTabWidget, "tabs")
    for i, name in ((1, "10-settings-provider.png"), (3, "11-settings-data-security.png")):
        tabs.setCurrentIndex(i)
        await settle()
        written.append(save(dialog, out_dir / name))
    dialog.reject()
    await settle()

    written += await _workspace_states(window, out_dir)
    written += await _compare_states(window, out_dir)
    written += await _viewer_states(window, out_dir)
    written += await _dark_variant(window, out_dir)
    written += await _high_contrast_variant(window, out_dir)
    written += await _evaluated_window(window, out_dir)
    return written


async def _evaluated_window(window: MainWindow, out_dir: Path) -> list[Path]:
    """The light window once more, now that the workspace states have evaluated some leads, at the
    usual size and at 1024x700 (the smallest window the console is made for)."""
    window.notifier.toast.hide()
    await window.monitor.check_once()  # the real usage again, not the staged quota states
    written = []
    for size, name in ((SIZE, "13-main-window-evaluated.png"),
                       (QtCore.QSize(1024, 700), "16-main-window-evaluated-1024.png")):
        window.resize(size)
        await settle(300)
        written.append(save(window, out_dir / name))
    window.resize(SIZE)
    return written


def dark_palette() -> QtGui.QPalette:
    """A typical dark desktop palette (what a system in dark mode hands to Qt)."""
    pal = QtGui.QPalette()
    role, colour = QtGui.QPalette.ColorRole, QtGui.QColor
    for r, c in (
        (role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#262626"), (role.Text, "#e6e6e6"), (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"), (role.Highlight, "#2f65ca"), (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#3a3a3a"), (role.ToolTipText, "#f0f0f0"), (role.PlaceholderText, "#8a8a8a"),
        (role.Mid, "#4a4a4a"), (role.Dark, "#1a1a1a"), (role.Light, "#505050"), (role.Link, "#6ea8ff"),
    ):
        pal.setColor(r, colour(c))
    pal.setColor(QtGui.QPalette.ColorGroup.Disabled, role.Text, colour("#777777"))
    pal.setColor(QtGui.QPalette.ColorGroup.Disabled, role.ButtonText, colour("#777777"))
    pal.setColor(QtGui.QPalette.ColorGroup.Disabled, role.WindowText, colour("#777777"))
    return pal


async def _dark_variant(window: MainWindow, out_dir: Path) -> list[Path]:
    """The same window under a dark system palette (colours follow the palette, not a theme)."""
    app = QtWidgets.QApplication.instance()
    if not isinstance(app, QtWidgets.QApplication):
        return []
    old_palette, qss = app.palette(), app.styleSheet()
    app.setPalette(dark_palette())
    app.setStyleSheet(qss)  # re-resolve palette(...) references in the stylesheet
    window.notifier.toast.hide()
    window.resize(SIZE)
    window.show()  # the workspace states may have left another window on top
    try:
        usage = Usage(month=datetime.now(UTC).strftime("%Y-%m"), evaluation_count=17, quota_limit=20)
        window.monitor.record_usage(usage)
        await settle(300)
        return [save(window, out_dir / "12-main-window-dark.png")]
    finally:
        app.setPalette(old_palette)
        app.setStyleSheet(qss)


async def _high_contrast_variant(window: MainWindow, out_dir: Path) -> list[Path]:
    """View → High contrast, at the usual size and at 1024x700."""
    app = QtWidgets.QApplication.instance()
    if not isinstance(app, QtWidgets.QApplication):
        return []
    window.notifier.toast.hide()
    window.show()
    window.high_contrast_action.setChecked(True)
    try:
        out = []
        for size, name in ((SIZE, "14-main-window-high-contrast.png"),
                           (QtCore.QSize(1024, 700), "15-main-window-high-contrast-1024.png")):
            window.resize(size)
            await settle(300)
            out.append(save(window, out_dir / name))
        return out
    finally:
        window.high_contrast_action.setChecked(False)
        window.resize(SIZE)


async def _workspace_states(window: MainWindow, out_dir: Path) -> list[Path]:
    """The workspace engineer's detail/evaluation/result states, when that module exists."""
    try:
        module = importlib.import_module("leaselab_desktop.gui.workspace.screenshots")
    except ImportError:
        return []
    render = getattr(module, "render_workspace_states", None)
    if render is None:
        return []
    result = render(window, out_dir)
    if asyncio.iscoroutine(result):
        result = await result
    return [Path(p) for p in (result or [])]


async def _compare_states(window: MainWindow, out_dir: Path) -> list[Path]:
    """Compare applicants (the window at two sizes, a refusal, Open / Show in folder after export)."""
    from leaselab_desktop.gui.compare.screenshots import render_compare_states

    return await render_compare_states(window, out_dir)


async def _viewer_states(window: MainWindow, out_dir: Path) -> list[Path]:
    """The document viewer, the result header and the small-screen layouts (vw-*.png)."""
    from leaselab_desktop.gui.workspace.viewer_screenshots import render_viewer_states

    return await render_viewer_states(window, out_dir)
