"""A part of the window that fails to import is shown as an error (what failed, why, where the log
is) instead of a placeholder that looks like an empty workspace; the lead list keeps working."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.gui import main_window
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import FakeBackend


async def _window(paths: Paths, log_path: Path | None) -> tuple[MainWindow, TaskRunner]:
    fake = FakeBackend()

    async def opener(*_a: Any) -> FakeBackend:
        return fake

    tasks = TaskRunner()
    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener,
                        use_tray=False, log_path=log_path)
    return window, tasks


@pytest.mark.parametrize("how", ["missing", "raises"])
async def test_a_workspace_that_fails_to_import_is_reported(
    paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, until: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if how == "missing":
        monkeypatch.setitem(sys.modules, main_window.WORKSPACE_MODULE, None)  # import of it fails
        expected = "ModuleNotFoundError" if sys.version_info >= (3, 12) else "Error"
    else:
        (tmp_path / "broken_workspace.py").write_text("raise ValueError('a bad setting at import')\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setattr(main_window, "WORKSPACE_MODULE", "broken_workspace")
        expected = "ValueError: a bad setting at import"
    log_file = tmp_path / "logs" / "leaselab.log"
    window, tasks = await _window(paths, log_file)
    try:
        panel = window.workspace
        assert isinstance(panel, QtWidgets.QLabel) and panel.objectName() == "partFailed"
        text = panel.text()
        assert "could not be loaded" in text and expected in text
        assert f"importing {main_window.WORKSPACE_MODULE}" in text
        assert str(log_file) in text
        assert any("failed to import" in r.getMessage() and r.exc_info for r in caplog.records)
        # the rest of the window still works
        window.show()
        await window.open_backend()
        await until(lambda: window.lead_list.model.total > 0)
    finally:
        await window.shutdown()
        window.close()
    assert tasks.pending == 0


async def test_without_a_log_path_the_data_dirs_log_folder_is_named(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, main_window.WORKSPACE_MODULE, None)
    window, _tasks = await _window(paths, None)
    try:
        assert str(paths.logs_dir) in window.workspace.text()  # type: ignore[attr-defined]
    finally:
        await window.shutdown()
        window.close()
