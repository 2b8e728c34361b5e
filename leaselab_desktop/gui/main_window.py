"""The main window: lead list (left) | workspace (right), menus and toolbar, status bar, banners."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.data_folder import NoSecureKeyring
from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.gui.adaptive import NARROW_WINDOW, AdaptivePanes
from leaselab_desktop.gui.appearance import high_contrast_action
from leaselab_desktop.gui.compare.entry import install as install_compare
from leaselab_desktop.gui.errors import ErrorPanel, ErrorReporter, error_actions, use_built_in_rules
from leaselab_desktop.gui.lead_list.view import LeadListPanel
from leaselab_desktop.gui.notify import Notifier
from leaselab_desktop.gui.part_failed import part_failed_panel
from leaselab_desktop.gui.qt import Qt, QtGui, QtWidgets, Signal
from leaselab_desktop.gui.status_bar import OfflineBanner, ShellStatusBar, StatusMonitor
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.unencrypted import ask_unencrypted
from leaselab_desktop.gui.window_state import WindowState
from leaselab_desktop.secrets import SecretStore

log = logging.getLogger(__name__)

BackendOpener = Callable[[Paths, Settings, str, SecretStore], Awaitable[Backend]]


async def default_opener(paths: Paths, settings: Settings, profile: str, secrets: SecretStore) -> Backend:
    """The profile's backend, running on a thread and loop of its own: its engine callbacks, cache
    writes and HTTP parsing never queue in front of the GUI's repaints and input."""
    from leaselab_desktop.backends.factory import open_backend
    from leaselab_desktop.backends.threaded import ThreadedBackend

    return await ThreadedBackend.start(lambda: open_backend(paths, settings, profile, secrets))


WORKSPACE_MODULE = "leaselab_desktop.gui.workspace"


def _make_workspace(tasks: TaskRunner, parent: QtWidgets.QWidget, log_path: Path | None) -> QtWidgets.QWidget:
    """The lead workspace; when it cannot be imported, a panel that says what failed, why, and where
    the traceback was logged (the lead list keeps working beside it)."""
    try:
        workspace_module = importlib.import_module(WORKSPACE_MODULE)
    except Exception as exc:  # any import-time failure, not only ImportError: show it, keep the shell
        log.exception("the lead workspace (%s) failed to import", WORKSPACE_MODULE)
        return part_failed_panel("The lead workspace", WORKSPACE_MODULE, exc, log_path, parent)
    workspace: QtWidgets.QWidget = workspace_module.LeadWorkspace(tasks, parent)
    return workspace


class MainWindow(QtWidgets.QMainWindow):
    backend_opened = Signal(object)  # Backend | None
    leads_loaded = Signal(int)

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        secrets: SecretStore,
        tasks: TaskRunner,
        reporter: ErrorReporter,
        *,
        opener: BackendOpener = default_opener,
        profile: str | None = None,
        log_path: Path | None = None,
        use_tray: bool | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("LeaseLab Desktop")
        self.setAccessibleName("LeaseLab Desktop")
        self.paths = paths
        self.settings = settings
        self.secrets = secrets
        self.tasks = tasks
        self.reporter = reporter
        self._opener = opener
        self.profile_name = profile or settings.active_profile
        self.backend: Backend | None = None
        self._open_lock = asyncio.Lock()
        self._settings_dialog: Any = None

        self.error_panel = ErrorPanel(log_path, self)
        reporter.reported.connect(self.error_panel.show_report)
        error_actions().requested.connect(self._error_action)  # an error's Settings / built-in rules buttons
        tasks.failed.connect(reporter.task_failed)
        self.offline_banner = OfflineBanner(self)
        self.lead_list = LeadListPanel(tasks, self)
        self.workspace = _make_workspace(tasks, self, log_path or paths.logs_dir)
        self.workspace.setMinimumWidth(380)
        own_button = self.workspace.findChild(QtWidgets.QAbstractButton, "newLeadButton")
        if own_button is not None:  # the toolbar's "New lead" already offers it
            own_button.hide()
        self.panes = AdaptivePanes("mainPanes", NARROW_WINDOW, self, min_width=400, accessible="Leads and lead")
        self.panes.add_group([(self.lead_list, "Leads")], stretch=4)
        self.panes.add_group([(self.workspace, "Lead")], stretch=6)
        self.splitter = self.panes.splitter
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setSizes([640, 800])
        central = QtWidgets.QWidget(self)
        lay = QtWidgets.QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.error_panel)
        lay.addWidget(self.offline_banner)
        lay.addWidget(self.panes, 1)
        self.setCentralWidget(central)

        self.status = ShellStatusBar(self)
        self.setStatusBar(self.status)
        self.monitor = StatusMonitor(self.status, self.offline_banner, tasks)
        self.notifier = Notifier(self, use_tray=use_tray)
        self._build_actions()

        self.lead_list.current_lead_changed.connect(self._show_lead)
        self.lead_list.selection_changed.connect(self._selection_changed)
        self.lead_list.loaded.connect(self.leads_loaded)
        self.lead_list.lead_activated.connect(lambda _id: self.panes.show_pane(self.workspace))
        self.lead_list.load_failed.connect(lambda _e: self.monitor.check_soon())
        self._connect_workspace()
        self.compare = install_compare(self)  # Compare applicants, Export lead list, Open after export
        self.resize(1440, 900)
        self.window_state = WindowState(state_file or paths.data_dir / "window.ini", self)  # saved at close
        self.window_state.restore()

    # -- actions ---------------------------------------------------------------------------------
    def _action(self, text: str, name: str,
                shortcut: QtGui.QKeySequence | QtGui.QKeySequence.StandardKey | str | None,
                slot: Callable[[], Any], tip: str = "") -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        action.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}"
                          + (f" ({action.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)})"
                             if shortcut is not None else ""))
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        style = self.style()
        sp = QtWidgets.QStyle.StandardPixmap
        self.new_lead_action = self._action("&New lead…", "newLeadAction", QtGui.QKeySequence.StandardKey.New,
                                            self.new_lead, "Create a lead and attach documents")
        self.new_lead_action.setIcon(style.standardIcon(sp.SP_FileIcon))
        self.refresh_action = self._action("&Refresh", "refreshAction", "F5", self.refresh,
                                           "Reload the leads from the backend")
        self.refresh_action.setIcon(style.standardIcon(sp.SP_BrowserReload))
        self.run_action = self._action("&Run evaluation", "runAction", "Ctrl+R", self.run_current,
                                       "Evaluate the selected lead")
        self.run_action.setIcon(style.standardIcon(sp.SP_MediaPlay))
        self.batch_action = self._action("&Evaluate selected", "batchAction", "Ctrl+Shift+R",
                                         self.evaluate_selected, "Evaluate all selected leads")
        self.batch_action.setIcon(style.standardIcon(sp.SP_MediaSeekForward))
        self.batch_action.setEnabled(False)
        self.find_action = self._action("&Find", "findAction", QtGui.QKeySequence.StandardKey.Find,
                                        self.lead_list.focus_search, "Search leads by name or email")
        self.settings_action = self._action("&Settings…", "settingsAction", "Ctrl+,", self.open_settings,
                                            "Profiles, AI provider, polling, keyring")
        self.settings_action.setMenuRole(QtGui.QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action("&Quit", "quitAction", "Ctrl+Q", self.close, "Quit LeaseLab Desktop")
        self.quit_action.setMenuRole(QtGui.QAction.MenuRole.QuitRole)
        self.clear_filters_action = self._action("&Clear filters", "clearFiltersAction", None,
                                                 self.lead_list.clear_filters)
        self.about_action = self._action("&About LeaseLab Desktop", "aboutAction", None, self.about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_lead_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.clear_filters_action)
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        self.high_contrast_action = high_contrast_action(self, self)
        view_menu.addAction(self.high_contrast_action)
        eval_menu = bar.addMenu("&Evaluation")
        eval_menu.addAction(self.run_action)
        eval_menu.addAction(self.batch_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

        tb = QtWidgets.QToolBar("Main toolbar", self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addAction(self.new_lead_action)
        tb.addAction(self.refresh_action)
        tb.addSeparator()
        tb.addAction(self.batch_action)
        self.addToolBar(tb)
        self.toolbar = tb
        batch_button = tb.widgetForAction(self.batch_action)
        batch_button.setObjectName("batchButton")
        batch_button.setAccessibleName("Evaluate selected leads")
        self.batch_button = batch_button
        for action in (self.new_lead_action, self.refresh_action):
            w = tb.widgetForAction(action)
            w.setAccessibleName(action.text().replace("&", "").rstrip("…"))

    # -- workspace wiring ------------------------------------------------------------------------
    def _connect_workspace(self) -> None:
        ws = self.workspace
        for name, slot in (
            ("lead_changed", self.lead_list.refresh_lead),
            ("run_finished", self._run_finished),
            ("batch_row_state", self.lead_list.model.set_batch_state),
            ("run_progress", self.lead_list.model.set_run_state),
            ("usage_changed", self.monitor.record_usage),
        ):
            signal = getattr(ws, name, None)
            if signal is not None:
                signal.connect(slot)

    def _show_lead(self, lead_id: str | None) -> None:
        show = getattr(self.workspace, "show_lead", None)
        if show is not None:
            show(lead_id)
        self.run_action.setEnabled(lead_id is not None)

    def _selection_changed(self, ids: list[str]) -> None:
        self.batch_action.setEnabled(len(ids) > 1 and hasattr(self.workspace, "start_batch"))
        n = len(ids)
        self.batch_action.setText(f"&Evaluate selected ({n})" if n > 1 else "&Evaluate selected")

    def _run_finished(self, lead_id: str, snapshot: Any) -> None:
        self.lead_list.refresh_lead(lead_id)
        self.monitor.check_soon()
        status = getattr(snapshot, "status", "finished")
        output = getattr(snapshot, "output", None)
        model = self.lead_list.model
        row = model.store.row_of(lead_id)
        name = model.store.names[row] if row is not None else lead_id
        if status == "complete" and output is not None:
            text = f"{name}: score {output.score}, label {output.label}."
        else:
            text = f"{name}: the evaluation {status}."
        self.notifier.notify_if_inactive("Evaluation finished", text)

    # -- commands --------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.lead_list.reload()
        self.monitor.check_soon()

    def run_current(self) -> None:
        """Ctrl+R: run or re-evaluate the shown lead (the workspace guards against double starts)."""
        run = getattr(self.workspace, "run_current", None)
        if run is not None:
            run()

    def evaluate_selected(self) -> None:
        ids = self.lead_list.selected_ids()
        start = getattr(self.workspace, "start_batch", None)
        if ids and start is not None:
            start(ids)

    def new_lead(self) -> None:
        opener = getattr(self.workspace, "open_new_lead_dialog", None)
        if opener is not None:
            opener()

    def open_settings(self) -> None:
        from leaselab_desktop.gui.settings_dialog import SettingsDialog

        if self._settings_dialog is not None and self._settings_dialog.dialog.isVisible():
            self._settings_dialog.dialog.raise_()
            return
        dlg = SettingsDialog(self.paths, self.settings, self.secrets, self)
        dlg.saved.connect(self._settings_saved)
        self._settings_dialog = dlg
        dlg.open()

    def _settings_saved(self, settings: Settings, changed: bool) -> None:
        self.settings = settings
        if changed:
            self.tasks.spawn(self.open_backend(settings.active_profile), what="Opening the backend")

    def _error_action(self, action: str) -> None:
        if action == "open_settings":
            self.open_settings()
        elif action == "use_rules":
            self._settings_saved(use_built_in_rules(self.paths, self.settings), True)
            self.statusBar().showMessage("Switched to the built-in rules. Run the evaluation again.", 10_000)

    def about(self) -> None:
        from leaselab_desktop import __version__ as version

        box = QtWidgets.QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About LeaseLab Desktop")
        box.setText(f"LeaseLab Desktop {version}\nThe operator console for AI Tenant Intelligence.\n"
                    f"Data: {self.paths.data_dir}")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- backend lifecycle -----------------------------------------------------------------------
    async def open_backend(self, profile: str | None = None) -> Backend | None:
        """Close the current backend (if any) and open the one ``profile`` names."""
        async with self._open_lock:
            name = profile or self.profile_name
            await self._close_backend()
            self.profile_name = name
            opening = asyncio.ensure_future(self._opener(self.paths, self.settings, name, self.secrets))
            try:
                backend = await asyncio.shield(opening)
            except asyncio.CancelledError:
                # shutting down mid-open: let the open finish and close what it opened, so no
                # engine thread or client outlives the window
                with contextlib.suppress(Exception):
                    await (await opening).aclose()
                raise
            except NoSecureKeyring as exc:
                # no secure keyring: ask, never fall back silently (the answer is kept in the data folder)
                self.lead_list.set_backend(None)
                self.lead_list.set_message(str(exc))
                self.backend_opened.emit(None)
                self.tasks.spawn(self._ask_unencrypted(name, str(exc)), what="Asking about unencrypted storage")
                return None
            except Exception as exc:
                self.reporter.report(f"Could not open the backend of profile {name!r}", exc)
                self.lead_list.set_backend(None)
                self.lead_list.set_message(f"The backend could not be opened:\n{exc}")
                self.status.set_backend_info("no backend", name, "offline", None, datetime.now(UTC), str(exc))
                self.backend_opened.emit(None)
                return None
            self.set_backend(backend)
            return backend

    async def _ask_unencrypted(self, profile: str, why: str) -> None:
        if not await ask_unencrypted(self, self.paths.data_dir, why):
            self.lead_list.set_message(
                "Nothing was opened: applicants' documents are only stored encrypted, and no secure "
                "keyring is available. Set up or unlock the system keyring, then restart LeaseLab.")
            return
        await self.open_backend(profile)

    def set_backend(self, backend: Backend | None) -> None:
        self.backend = backend
        self.lead_list.set_backend(backend)
        setter = getattr(self.workspace, "set_backend", None)
        if setter is not None:
            setter(backend)
        self.new_lead_action.setEnabled(backend is not None and backend.kind == "local")
        self.monitor.start(backend, self.profile_name)
        if backend is not None:
            self.lead_list.reload()
        self.backend_opened.emit(backend)

    async def _close_backend(self) -> None:
        backend, self.backend = self.backend, None
        self.monitor.stop()
        if backend is None:
            return
        self.lead_list.set_backend(None)
        setter = getattr(self.workspace, "set_backend", None)
        if setter is not None:
            setter(None)
        try:
            await backend.aclose()
        except Exception as exc:  # closing must not stop the app from going on
            log.warning("closing the backend failed: %s", exc)

    async def shutdown(self) -> None:
        """Cancel every pending task and close the backend; called once the window has closed."""
        self.monitor.stop()
        stop = getattr(self.workspace, "shutdown", None)
        if stop is not None:
            result = stop()
            if asyncio.iscoroutine(result):
                await result
        await self.tasks.cancel_all()
        await self._close_backend()
        self.notifier.shutdown()
        self.lead_list._debounce.stop()
