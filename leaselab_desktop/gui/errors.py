"""Never a silent failure: uncaught exceptions (Qt slots, asyncio callbacks, tasks, threads) are
logged to a rotating file in the data dir and shown in a non-modal panel inside the window."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from leaselab_desktop.backends.data_folder import DATA_FOLDER_ERRORS
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.config import Paths, Settings, save_settings
from leaselab_desktop.domain.explain import ACTION_TEXT, Explanation, explain, explain_exception
from leaselab_desktop.gui.qt import QObject, Qt, QtCore, QtGui, QtWidgets, Signal

log = logging.getLogger("leaselab_desktop")
LOG_FILE_NAME = "leaselab.log"
_HANDLER_MARK = "_leaselab_rotating"


def setup_logging(paths: Paths, level: int = logging.INFO) -> Path:
    """Log to ``<data_dir>/logs/leaselab.log`` (1 MiB x 5 files). Idempotent per file."""
    paths.logs_dir.mkdir(parents=True, exist_ok=True)
    target = paths.logs_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _HANDLER_MARK, False):
            if Path(getattr(h, "baseFilename", "")) == target:
                return target
            root.removeHandler(h)
            h.close()
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=1_048_576, backupCount=5, encoding="utf-8", delay=True
    )
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return target


def teardown_logging() -> None:
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _HANDLER_MARK, False):
            root.removeHandler(h)
            h.close()


@dataclass(frozen=True)
class ErrorReport:
    title: str
    message: str
    details: str
    when: datetime
    explanation: Explanation | None = None


class ErrorActions(QObject):
    """Where an error's buttons go: ``requested`` carries "open_settings" or "use_rules"; the main
    window does them (a banner deep in a panel need not know the window)."""

    requested = Signal(str)


_ACTIONS: ErrorActions | None = None


def use_built_in_rules(paths: Paths, settings: Settings) -> Settings:
    """The "Use the built-in rules" button: the provider setting becomes the built-in rules, saved."""
    provider = settings.provider.model_copy(update={"kind": "rules"})
    changed = settings.model_copy(update={"provider": provider})
    save_settings(paths, changed)
    return changed


def error_actions() -> ErrorActions:
    global _ACTIONS
    if _ACTIONS is None:
        _ACTIONS = ErrorActions()
    return _ACTIONS


class ErrorReporter(QObject):
    """Collects failures from every source and re-emits them on the GUI thread."""

    reported = Signal(object)  # ErrorReport

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._prev_excepthook: Callable[..., Any] | None = None
        self._prev_thread_hook: Callable[..., Any] | None = None

    def report(self, title: str, exc: BaseException | None = None, message: str | None = None) -> None:
        explained: Explanation | None = None
        if isinstance(exc, DATA_FOLDER_ERRORS):
            # damaged or missing data: the message says what was found and what to do; a
            # traceback would only bury it
            details, text = "", message or str(exc)
        elif exc is not None:
            details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            raw = exc.message if isinstance(exc, BackendError) else f"{type(exc).__name__}: {exc}"
            explained = explain_exception(exc)
            text = message or explained.text()
            details = f"{raw}\n\n{details}"  # the original words stay under Details, for support
        else:
            details, text = "", message or title
            explained = explain(None, text) if message else None
        log.error("%s: %s\n%s", title, text, details)
        self.reported.emit(ErrorReport(title, text, details, datetime.now(), explained))

    # -- hooks -------------------------------------------------------------------------------------
    def install(self) -> None:
        self._prev_excepthook = sys.excepthook
        self._prev_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._prev_excepthook is not None:
            sys.excepthook = self._prev_excepthook
        if self._prev_thread_hook is not None:
            threading.excepthook = self._prev_thread_hook
        self._prev_excepthook = self._prev_thread_hook = None

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QtWidgets.QApplication.quit()
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.report("Unexpected error", exc)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            name = args.thread.name if args.thread else "a worker thread"
            self.report(f"Unexpected error in {name}", args.exc_value)

    def asyncio_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "")
        if isinstance(exc, asyncio.CancelledError):
            return
        self.report("Background error", exc if isinstance(exc, BaseException) else None,
                    None if exc is not None else message)

    def task_failed(self, what: str, exc: object) -> None:
        """Slot for ``TaskRunner.failed``."""
        if isinstance(exc, BaseException):
            self.report(f"{what} failed", exc)
        else:
            self.report(f"{what} failed", message=str(exc))


class ErrorPanel(QtWidgets.QFrame):
    """A dismissible strip at the top of the window listing recent errors; never blocks input."""

    MAX_SHOWN = 5

    def __init__(self, log_path: Path | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorPanel")
        self.setAccessibleName("Error panel")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.reports: list[ErrorReport] = []
        self._log_path = log_path

        self.icon = QtWidgets.QLabel(self)
        style = self.style()
        icon = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.icon.setPixmap(icon.pixmap(24, 24))
        self.title = QtWidgets.QLabel(self)
        self.title.setObjectName("errorTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.message = QtWidgets.QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QtWidgets.QPlainTextEdit(self)
        self.details.setObjectName("errorDetails")
        self.details.setAccessibleName("Error details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(140)
        self.details.setVisible(False)
        self.details_button = QtWidgets.QToolButton(self)
        self.details_button.setObjectName("errorDetailsButton")
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self.details.setVisible)
        self.action_buttons: dict[str, QtWidgets.QPushButton] = {}
        for key in ("open_settings", "use_rules"):
            b = QtWidgets.QPushButton(ACTION_TEXT[key], self)
            b.setObjectName(f"errorAction_{key}")
            b.setAccessibleName(ACTION_TEXT[key])
            b.clicked.connect(lambda _c=False, k=key: error_actions().requested.emit(k))
            b.setVisible(False)
            self.action_buttons[key] = b
        self.dismiss_button = QtWidgets.QToolButton(self)
        self.dismiss_button.setObjectName("errorDismissButton")
        self.dismiss_button.setText("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss errors")
        self.dismiss_button.clicked.connect(self.dismiss)

        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QtWidgets.QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.message)
        top.addLayout(text, 1)
        for b in self.action_buttons.values():
            top.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self._apply_palette()
        self.setVisible(False)

    def _apply_palette(self) -> None:
        """A red tint derived from the application palette (light or dark)."""
        self._tinting = True
        pal = QtGui.QPalette()  # only the tinted role is set; the rest follows the parent
        dark = pal.color(QtGui.QPalette.ColorRole.Window).lightness() < 128
        pal.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#5a1d20" if dark else "#fde8e8"))
        try:
            self.setPalette(pal)
        finally:
            self._tinting = False

    def changeEvent(self, event: QtCore.QEvent) -> None:
        # a system light/dark switch arrives as PaletteChange; our own setPalette does too (guarded)
        if event.type() == QtCore.QEvent.Type.PaletteChange and not getattr(self, "_tinting", True):
            self._apply_palette()  # the system switched between light and dark
        super().changeEvent(event)

    def show_report(self, report: ErrorReport) -> None:
        self.reports.append(report)
        del self.reports[: -self.MAX_SHOWN]
        count = len(self.reports)
        suffix = f"  (+{count - 1} earlier)" if count > 1 else ""
        self.title.setText(f"{report.title}{suffix}")
        where = f"\nThe details are saved in {self._log_path}." if self._log_path else ""
        self.message.setText(f"{report.message}{where}")
        wanted = report.explanation.actions if report.explanation else ()
        for key, b in self.action_buttons.items():
            b.setVisible(key in wanted)
        self.details.setPlainText(
            "\n\n".join(
                f"[{r.when:%H:%M:%S}] {r.title}: {r.message}\n{r.details}".rstrip() for r in self.reports
            )
        )
        self.setVisible(True)

    def dismiss(self) -> None:
        self.reports.clear()
        self.details_button.setChecked(False)
        self.setVisible(False)
