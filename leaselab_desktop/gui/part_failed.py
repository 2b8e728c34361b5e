"""A panel shown in place of a part of the window that failed to load (the rest keeps working)."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.gui.qt import Qt, QtWidgets


def part_failed_panel(
    what: str, module: str, exc: BaseException, log_path: Path | None, parent: QtWidgets.QWidget
) -> QtWidgets.QWidget:
    """A panel in place of a part of the window that failed to load."""
    summary = f"{type(exc).__name__}: {exc}".strip()
    where = f"The full error is in the log: {log_path}" if log_path else "The full error was logged."
    label = QtWidgets.QLabel(
        f"{what} could not be loaded, so lead details and evaluations are unavailable.\n\n"
        f"What failed: importing {module}\n{summary}\n\n{where}",
        parent,
    )
    label.setObjectName("partFailed")
    label.setAccessibleName(f"{what} failed to load")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy into a report
    return label
