"""The console's question when no secure keyring is available: store applicants' documents
unencrypted in this data folder, or open nothing. The answer is kept in the data folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

from leaselab_desktop.backends.data_folder import accept_unencrypted
from leaselab_desktop.gui.qt import QtWidgets


async def ask_unencrypted(parent: QtWidgets.QWidget, data_dir: Path, why: str) -> bool:
    """True when the agent accepted (then recorded); the box is opened, not exec()'d: a nested
    event loop inside a coroutine drops asyncio steps."""
    box = QtWidgets.QMessageBox(parent)
    box.setObjectName("unencryptedQuestion")
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle("No secure keyring")
    box.setText("Applicants' documents cannot be stored encrypted on this computer.")
    box.setInformativeText(f"{why}\n\nStore them unencrypted in {data_dir}? Choose No to set up the "
                           "keyring first; nothing is stored until you decide.")
    yes, no = QtWidgets.QMessageBox.StandardButton.Yes, QtWidgets.QMessageBox.StandardButton.No
    box.setStandardButtons(yes | no)
    box.setDefaultButton(no)
    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not answer.done():
            answer.set_result(int(code))

    box.finished.connect(finished)
    box.open()
    try:
        code = await answer
    finally:
        box.deleteLater()
    if code != int(yes):
        return False
    accept_unencrypted(data_dir, "answered in the console")
    return True
