"""GUI bootstrap: ``run_gui(args)`` builds the QApplication, runs ONE qasync loop, and shuts down
cleanly (tasks cancelled, backend closed) when the last window closes.

``args`` is the CLI's ``argparse.Namespace`` with ``data_dir``, ``profile``, ``screenshot`` and
``smoke_test``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

from leaselab_desktop.config import APP_AUTHOR, APP_NAME, Paths, Settings, SettingsError, load_settings
from leaselab_desktop.domain.timefmt import use_system_locale
from leaselab_desktop.gui import loop
from leaselab_desktop.gui.errors import ErrorReporter, setup_logging
from leaselab_desktop.gui.qt import Qt, QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.resources import resources_dir as _locate_resources
from leaselab_desktop.secrets import SecretStore

log = logging.getLogger(__name__)
ENV_READY = "LEASELAB_BENCH_READY"  # benchmark hook: print a timestamp once leads are shown, then quit


def resources_dir() -> Path | None:
    """``resources/`` (see ``leaselab_desktop.resources``), or None: the GUI runs without icons."""
    try:
        return _locate_resources()
    except FileNotFoundError:
        return None


def app_icon() -> QtGui.QIcon:
    icon = QtGui.QIcon()
    res = resources_dir()
    if res is None:
        return icon
    icons = res / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        f = icons / f"app-{size}.png"
        if f.is_file():
            icon.addFile(str(f), QtCore.QSize(size, size))
    if icon.isNull() and (icons / "app.png").is_file():
        icon.addFile(str(icons / "app.png"))
    return icon


def stylesheet() -> str:
    res = resources_dir()
    qss = res / "styles" / "app.qss" if res else None
    return qss.read_text(encoding="utf-8") if qss is not None and qss.is_file() else ""


def create_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    existing = QtWidgets.QApplication.instance()
    if isinstance(existing, QtWidgets.QApplication):
        app = existing
    else:
        QtGui.QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QtWidgets.QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    use_system_locale(QtCore.QLocale.system().name())  # one date and money format, the system's
    app.setApplicationDisplayName("LeaseLab Desktop")
    app.setOrganizationName(APP_AUTHOR)
    app.setOrganizationDomain("leaselab.app")
    app.setDesktopFileName("leaselab-desktop")
    from leaselab_desktop import __version__

    app.setApplicationVersion(__version__)
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    qss = stylesheet()
    if qss:
        app.setStyleSheet(qss)
    app.setQuitOnLastWindowClosed(False)  # the main coroutine decides when to stop, then closes the backend
    return app


def _load_settings(paths: Paths) -> tuple[Settings, str | None]:
    try:
        return load_settings(paths), None
    except SettingsError as exc:
        return Settings(), str(exc)


def run_gui(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    smoke = bool(getattr(args, "smoke_test", False))
    if screenshot or smoke:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    paths = Paths.resolve(getattr(args, "data_dir", None)).ensure()
    log_path = setup_logging(paths)
    settings, problem = _load_settings(paths)
    profile = getattr(args, "profile", None)
    if profile is not None and profile not in {p.name for p in settings.profiles}:
        names = ", ".join(p.name for p in settings.profiles)
        print(f"error: no profile named {profile!r} (profiles: {names})", file=sys.stderr)
        return 2
    unattended = bool(screenshot or smoke or os.environ.get(ENV_READY))
    if unattended or getattr(args, "allow_unencrypted", False):  # used only if no keyring keeps the key
        # the command line answered the question the console would ask (the check and benchmark
        # modes run unattended): recorded in the data folder, with when and how
        from leaselab_desktop.backends.data_folder import accept_unencrypted

        accept_unencrypted(paths.data_dir, "unattended run (--smoke-test, --screenshot or benchmark)"
                           if unattended else "--allow-unencrypted")
    app = create_application()
    reporter = ErrorReporter()
    reporter.install()
    log.info("LeaseLab Desktop starting (data dir %s)", paths.data_dir)
    try:
        return loop.run(
            app,
            lambda: _main(app, paths, settings, problem, args, reporter, log_path),
            exception_handler=reporter.asyncio_handler,
        )
    finally:
        reporter.uninstall()
        log.info("LeaseLab Desktop stopped")


async def _main(
    app: QtWidgets.QApplication,
    paths: Paths,
    settings: Settings,
    settings_problem: str | None,
    args: argparse.Namespace,
    reporter: ErrorReporter,
    log_path: Path,
) -> int:
    from leaselab_desktop.gui.main_window import MainWindow

    screenshot = getattr(args, "screenshot", None)
    smoke = bool(getattr(args, "smoke_test", False))
    headless = bool(screenshot or smoke)
    tasks = TaskRunner()
    if settings.high_contrast:  # before the window exists, so it is built in the chosen colours
        from leaselab_desktop.gui.palettes import apply_high_contrast

        apply_high_contrast(app, True)
    window = MainWindow(
        paths, settings, SecretStore(), tasks, reporter,
        profile=getattr(args, "profile", None), log_path=log_path,
        use_tray=False if headless else None,
    )
    if settings_problem:
        reporter.report("Settings could not be read", message=settings_problem)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    if os.environ.get(ENV_READY):
        window.leads_loaded.connect(lambda n: _bench_ready(window, n))
    try:
        if screenshot:
            from leaselab_desktop.gui.screenshot import render_screenshots

            written = await render_screenshots(window, Path(screenshot))
            print(f"wrote {len(written)} screenshots to {screenshot}")
            return 0
        if smoke:
            from leaselab_desktop.gui.smoke import run_smoke_test

            return await run_smoke_test(window)
        window.show()
        # opening may wait on a slow server: closing the window meanwhile still quits at once
        tasks.spawn(window.open_backend(), what="Opening the backend")
        await closed.wait()
        return 0
    finally:
        await window.shutdown()
        window.hide()
        window.deleteLater()
        await asyncio.sleep(0)


def _bench_ready(window: QtWidgets.QMainWindow, count: int) -> None:
    if count > 0 and window.isVisible():
        print(f"LEASELAB_READY {time.time():.6f} {count}", flush=True)
        window.close()
