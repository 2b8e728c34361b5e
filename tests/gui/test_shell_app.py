"""Bootstrap and error handling: logging to the rotating file, the exception hooks and the
non-modal error panel, ``run_gui`` (--smoke-test, --screenshot, bad --profile) on the real
LocalBackend with a temp data dir."""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.handlers
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.config import Paths
from leaselab_desktop.gui.app import create_application, run_gui
from leaselab_desktop.gui.errors import ErrorPanel, ErrorReporter, setup_logging, teardown_logging
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def logged(paths: Paths) -> Iterator[Path]:
    path = setup_logging(paths)
    yield path
    teardown_logging()


@pytest.fixture
def reporter_panel(qtbot: Any, logged: Path) -> Iterator[tuple[ErrorReporter, ErrorPanel]]:
    reporter = ErrorReporter()
    panel = ErrorPanel(logged)
    qtbot.addWidget(panel)
    assert not panel.isVisible()  # shown by the first report only
    reporter.reported.connect(panel.show_report)
    reporter.install()
    yield reporter, panel
    reporter.uninstall()


def flush_logs() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


def test_logging_goes_to_a_rotating_file_in_the_data_dir(paths: Paths, logged: Path) -> None:
    assert logged == paths.logs_dir / "leaselab.log"
    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(handlers) == 1 and handlers[0].maxBytes == 1_048_576 and handlers[0].backupCount == 5
    assert setup_logging(paths) == logged  # idempotent: still one handler
    assert len([h for h in logging.getLogger().handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]) == 1
    logging.getLogger("leaselab_desktop.test").warning("hello from the test")
    flush_logs()
    assert "hello from the test" in logged.read_text(encoding="utf-8")


def test_excepthook_shows_panel_and_writes_log(reporter_panel: Any, logged: Path) -> None:
    reporter, panel = reporter_panel
    assert sys.excepthook == reporter.excepthook
    try:
        raise ValueError("the lead's income field is not a number")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # what Python/Qt call for an uncaught exception
    assert panel.isVisible()
    assert panel.title.text() == "Unexpected error"
    assert "Something went wrong: the lead's income field is not a number." in panel.message.text()
    assert "ValueError: the lead's income field is not a number" in panel.details.toPlainText()
    assert str(logged) in panel.message.text()
    assert "Traceback" in panel.details.toPlainText()
    flush_logs()
    assert "the lead's income field is not a number" in logged.read_text(encoding="utf-8")
    panel.details_button.click()
    assert panel.details.isVisible()
    panel.dismiss_button.click()
    assert not panel.isVisible() and panel.reports == []


def test_excepthook_from_a_qt_slot(qtbot: Any, reporter_panel: Any) -> None:
    reporter, panel = reporter_panel
    button = QtWidgets.QPushButton("boom")
    qtbot.addWidget(button)

    def slot() -> None:
        raise RuntimeError("slot failed")

    button.clicked.connect(slot)
    with qtbot.captureExceptions() as caught:
        button.click()
    # pytest-qt intercepts the hook during tests; hand what it caught to our hook as Qt would
    assert caught
    reporter.excepthook(*caught[0])
    assert "Something went wrong: slot failed." in panel.message.text()  # no class name in the headline
    assert "RuntimeError: slot failed" in panel.details.toPlainText()  # kept for support


def test_thread_exceptions_reach_the_panel(qtbot: Any, reporter_panel: Any) -> None:
    _reporter, panel = reporter_panel

    def worker() -> None:
        raise OSError("disk full while caching a document")

    t = threading.Thread(target=worker, name="cache-writer")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: panel.isVisible())
    assert panel.title.text() == "Unexpected error in cache-writer"
    assert "disk full" in panel.message.text()


async def test_asyncio_handler_and_task_failures_reach_the_panel(
    qtbot: Any, reporter_panel: Any, until: Any
) -> None:
    reporter, panel = reporter_panel
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(reporter.asyncio_handler)
    try:
        loop.call_soon(lambda: 1 / 0)
        await until(lambda: panel.isVisible())
        assert panel.title.text() == "Background error"
        assert "ZeroDivisionError" in panel.details.toPlainText() and "division by zero" in panel.message.text()
    finally:
        loop.set_exception_handler(previous)
    panel.dismiss()

    tasks = TaskRunner()
    tasks.failed.connect(reporter.task_failed)

    async def fail() -> None:
        from leaselab_desktop.backends.errors import BackendUnavailable

        raise BackendUnavailable("The backend cannot be reached.")

    tasks.spawn(fail(), what="Loading leads")
    await until(lambda: panel.isVisible())
    assert panel.title.text() == "Loading leads failed"
    # what happened, what it means, what to do; no class name (the original words are under Details)
    assert panel.message.text().startswith("The backend cannot be reached. The console shows")
    assert "BackendUnavailable" not in panel.message.text() and "BackendUnavailable" in panel.details.toPlainText()
    assert tasks.pending == 0


def test_panel_keeps_the_last_reports(qtbot: Any, reporter_panel: Any) -> None:
    reporter, panel = reporter_panel
    for n in range(8):
        reporter.report(f"failure {n}", message=f"message {n}")
    assert len(panel.reports) == ErrorPanel.MAX_SHOWN
    assert panel.title.text() == "failure 7  (+4 earlier)"
    assert "failure 3" in panel.details.toPlainText() and "failure 2" not in panel.details.toPlainText()


def test_create_application_sets_identity_and_icon(qapp: QtWidgets.QApplication) -> None:
    app = create_application()
    assert app is qapp
    assert app.applicationName() == "LeaseLabDesktop"
    assert app.organizationName() == "LeaseLab"
    assert not app.quitOnLastWindowClosed()
    if (ROOT / "resources" / "icons" / "app-64.png").exists():
        assert not app.windowIcon().isNull()
    assert "searchBox" in app.styleSheet()  # resources/styles/app.qss
    app.setStyleSheet("")
    app.setQuitOnLastWindowClosed(True)
    app.setWindowIcon(QtGui.QIcon())


def args(**kw: Any) -> argparse.Namespace:
    base = {"data_dir": None, "profile": None, "screenshot": None, "smoke_test": False}
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.mark.slow
def test_run_gui_smoke_test_in_process(
    qapp: QtWidgets.QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole bootstrap on the real LocalBackend: one qasync loop, one evaluation through the UI,
    clean shutdown (no threads left: the root conftest checks)."""
    hook = sys.excepthook
    try:
        rc = run_gui(args(data_dir=tmp_path / "data", smoke_test=True))
    finally:
        teardown_logging()
        qapp.setStyleSheet("")
        qapp.setQuitOnLastWindowClosed(True)
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "smoke test passed" in out.out and "read by OCR" in out.out  # the photo went through OCR
    assert sys.excepthook is hook  # restored
    log = (tmp_path / "data" / "logs" / "leaselab.log").read_text(encoding="utf-8")
    assert "LeaseLab Desktop starting" in log and "LeaseLab Desktop stopped" in log


def test_unknown_profile_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = run_gui(args(data_dir=tmp_path / "data", profile="nope"))
    teardown_logging()
    assert rc == 2
    assert "no profile named 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_screenshot_writes_every_state(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    proc = subprocess.run(
        [sys.executable, "-m", "leaselab_desktop", "--data-dir", str(tmp_path / "data"),
         "--screenshot", str(out)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = sorted(p.name for p in out.glob("*.png"))
    for expected in ("01-main-window.png", "02-lead-selected.png", "03-filtered-empty.png",
                     "05-quota-warning.png", "06-quota-blocked.png", "07-backend-down.png",
                     "08-error-panel.png", "09-settings-profiles.png", "11-settings-data-security.png",
                     "12-main-window-dark.png", "13-main-window-evaluated.png", "16-main-window-evaluated-1024.png"):
        assert expected in names
    image = QtGui.QImage(str(out / "01-main-window.png"))
    assert image.width() >= 1200 and image.height() >= 700
    # not a blank picture: many distinct colours
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
    assert len(colours) > 20


@pytest.mark.slow
def test_run_gui_normal_mode_quits_when_the_window_closes(
    qapp: QtWidgets.QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The interactive path: window shown, leads loaded, then the window closes (here by the
    benchmark hook, as Ctrl+Q would): lastWindowClosed ends the main coroutine, which cancels the
    pollers and closes the backend before run_gui returns."""
    monkeypatch.setenv("LEASELAB_BENCH_READY", "1")
    try:
        rc = run_gui(args(data_dir=tmp_path / "data"))
    finally:
        teardown_logging()
        qapp.setStyleSheet("")
        qapp.setQuitOnLastWindowClosed(True)
    assert rc == 0
    ready = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("LEASELAB_READY")]
    assert ready and int(ready[0].split()[2]) == 18  # the demo leads were on screen


def test_qasync_is_imported_only_by_the_loop_module() -> None:
    package = ROOT / "leaselab_desktop"
    importers = sorted(
        str(p.relative_to(ROOT)) for p in package.rglob("*.py")
        if any(line.strip().startswith(("import qasync", "from qasync"))
               for line in p.read_text(encoding="utf-8").splitlines())
    )
    assert importers == ["leaselab_desktop/gui/loop.py"]


async def test_the_loop_runs_ready_callbacks_together_and_lets_qt_in_between(qapp: QtWidgets.QApplication) -> None:
    """Callbacks ready at the same time run in one Qt event, in order; the ones they schedule run
    after Qt has had its turn; a cancelled one is skipped; a failing one does not stop the others."""
    from leaselab_desktop.gui.loop import BatchingQEventLoop

    loop = asyncio.get_running_loop()
    assert isinstance(loop, BatchingQEventLoop)
    seen: list[str] = []
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, ctx: errors.append(ctx))
    try:
        done = loop.create_future()

        def later() -> None:
            seen.append("scheduled-by-first")
            done.set_result(None)

        def first() -> None:
            seen.append("first")
            QtCore.QTimer.singleShot(0, lambda: seen.append("qt"))
            loop.call_soon(later)

        def boom() -> None:
            raise RuntimeError("boom")

        loop.call_soon(first)
        loop.call_soon(boom)
        skipped = loop.call_soon(seen.append, "cancelled")
        loop.call_soon(seen.append, "second")
        skipped.cancel()
        await done
        assert seen == ["first", "second", "qt", "scheduled-by-first"]
        assert [str(e.get("exception")) for e in errors] == ["boom"]
    finally:
        loop.set_exception_handler(None)


async def test_a_batch_interrupted_by_system_exit_keeps_the_rest(qapp: QtWidgets.QApplication) -> None:
    """SystemExit and KeyboardInterrupt pass through asyncio handles; the callbacks after it in the
    same batch must still run later, in order."""
    from leaselab_desktop.gui.loop import BatchingQEventLoop

    loop = asyncio.get_running_loop()
    assert isinstance(loop, BatchingQEventLoop)
    seen: list[str] = []
    done = loop.create_future()

    def leave() -> None:
        raise SystemExit(3)

    loop._batch.extend([asyncio.Handle(seen.append, ("a",), loop), asyncio.Handle(leave, (), loop),
                        asyncio.Handle(seen.append, ("b",), loop),
                        asyncio.Handle(lambda: done.set_result(None), (), loop)])
    with pytest.raises(SystemExit):
        loop._run_batch()  # run by hand: a SystemExit out of a Qt timer event would end the test run
    assert seen == ["a"]
    await done
    assert seen == ["a", "b"]
