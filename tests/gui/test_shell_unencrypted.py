"""Without a secure keyring the console asks before storing documents unencrypted, and stores
nothing until the agent answers."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import MemoryKeyring, SecretStore
from leaselab_desktop.store.at_rest import ACCEPTED_FILE


async def _window(paths: Paths) -> tuple[MainWindow, TaskRunner]:
    tasks = TaskRunner()
    w = MainWindow(paths, Settings(), SecretStore(MemoryKeyring(secure=False)), tasks, ErrorReporter(),
                   use_tray=False)
    return w, tasks


def _question(w: MainWindow) -> QtWidgets.QMessageBox | None:
    return w.findChild(QtWidgets.QMessageBox, "unencryptedQuestion")


async def test_no_keyring_asks_and_yes_opens(paths: Paths, until: Any) -> None:
    w, tasks = await _window(paths)
    try:
        tasks.spawn(w.open_backend(), what="open")
        await until(lambda: _question(w) is not None and _question(w).isVisible(), timeout=20)
        assert not paths.database.exists()  # nothing stored while the question is open
        box = _question(w)
        assert box is not None and "No secure keyring" in box.informativeText()
        box.button(QtWidgets.QMessageBox.StandardButton.Yes).click()
        await until(lambda: w.backend is not None and w.lead_list.model.total > 0, timeout=30)
        assert (paths.data_dir / ACCEPTED_FILE).exists()
    finally:
        await w.shutdown()
        w.close()
    assert tasks.pending == 0


async def test_no_keyring_and_no_stores_nothing(paths: Paths, until: Any) -> None:
    w, tasks = await _window(paths)
    try:
        tasks.spawn(w.open_backend(), what="open")
        await until(lambda: _question(w) is not None and _question(w).isVisible(), timeout=20)
        box = _question(w)
        assert box is not None
        box.button(QtWidgets.QMessageBox.StandardButton.No).click()
        await until(lambda: "Nothing was opened" in w.lead_list.empty_label.text(), timeout=10)
        assert w.backend is None
        assert not paths.database.exists() and not (paths.data_dir / ACCEPTED_FILE).exists()
    finally:
        await w.shutdown()
        w.close()


async def test_damaged_engine_database_is_reported_without_a_traceback(paths: Paths, until: Any) -> None:
    from leaselab_desktop.backends.local import LocalBackend

    await (await LocalBackend.open(paths)).aclose()
    paths.engine_database.write_bytes(b"not a database" * 200)
    for suffix in ("-wal", "-shm"):
        paths.engine_database.with_name(paths.engine_database.name + suffix).unlink(missing_ok=True)
    reporter = ErrorReporter()
    reports: list[Any] = []
    reporter.reported.connect(reports.append)
    tasks = TaskRunner()
    w = MainWindow(paths, Settings(), SecretStore(), tasks, reporter, use_tray=False)
    try:
        await w.open_backend()
        assert w.backend is None
        await until(lambda: bool(reports), timeout=10)
        assert "workflow database" in reports[0].message and "left untouched" in reports[0].message
        assert reports[0].details == "" and "Traceback" not in reports[0].message
    finally:
        await w.shutdown()
        w.close()
