"""``--smoke-test``: open the main window on the demo data, evaluate one lead with a photo through
the UI (select it, click ``runButton``), check that ``resultCard`` shows a score and that OCR read
the photo (the frozen app must carry the OCR models). Exit 0, or 1 with the reason."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from leaselab_desktop.gui.qt import QtWidgets

if TYPE_CHECKING:
    from leaselab_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)
SMOKE_TIMEOUT_S = 60.0


class SmokeFailure(Exception):
    pass


async def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """Await (never spin a nested loop) until ``predicate()`` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


def _score_shown(window: MainWindow, lead_id: str) -> str | None:
    card = window.findChild(QtWidgets.QWidget, "resultCard")
    label = window.findChild(QtWidgets.QLabel, "scoreValue")
    if card is None or label is None or not label.isVisibleTo(window):
        return None
    evaluation = getattr(card, "evaluation", None)
    if evaluation is not None and getattr(evaluation, "lead_id", lead_id) != lead_id:
        return None
    text = label.text().strip()
    return text if any(ch.isdigit() for ch in text) else None


_PHOTO = re.compile(r"\.(jpe?g|png|heic)$", re.IGNORECASE)


async def _pick_lead(window: MainWindow, backend: Any) -> int:
    """Prefer a lead never evaluated (no duplicate-documents refusal) with a photo, then any
    lead never evaluated, else the first row."""
    model = window.lead_list.model
    fresh = [row for row in range(model.rowCount())
             if model.store.scores[model.store.row_of(model.lead_id(row)) or 0] is None]
    for row in fresh[:20]:
        if any(_PHOTO.search(f.file_name) for f in await backend.list_files(model.lead_id(row))):
            return row
    return fresh[0] if fresh else 0


async def _photo_read(backend: Any, lead_id: str) -> str:
    """OCR of the lead's photo, as the evaluation read it (from the analysis cache, else again)."""
    from leaselab_desktop.backends.document_view import reading_report

    photos = [f for f in await backend.list_files(lead_id) if _PHOTO.search(f.file_name)]
    if not photos:
        raise SmokeFailure(f"lead {lead_id} has no photo to read")
    file = photos[0]
    data = await backend.read_file(file)
    report = await asyncio.to_thread(reading_report, file.id, file.file_name, file.file_type, data)
    if report.get("text_layer") != "ocr" or int(report["characters"]) < 8:
        raise SmokeFailure(
            f"OCR did not read {file.file_name}: {report.get('ocr_error') or report.get('error') or 'no text'}"
        )
    return (f"{file.file_name} read by OCR ({report['characters']} characters, "
            f"confidence {report['ocr_mean_confidence']})")


def _visible_banner(window: MainWindow) -> str | None:
    for name in ("duplicateBanner", "quotaBanner"):
        w = window.findChild(QtWidgets.QWidget, name)
        if w is not None and w.isVisibleTo(window):
            return name
    return None


async def smoke_flow(window: MainWindow, timeout: float = SMOKE_TIMEOUT_S) -> str:
    """The flow itself; returns a description of the result or raises SmokeFailure."""
    started = time.monotonic()

    def left() -> float:
        return max(timeout - (time.monotonic() - started), 0.1)

    window.show()
    backend = await window.open_backend()
    if backend is None:
        reports = window.error_panel.reports
        raise SmokeFailure("the backend could not be opened: " + (reports[-1].message if reports else "?"))
    await wait_for(lambda: not window.lead_list.loading and window.lead_list.model.rowCount() > 0,
                   left(), "the lead list to show leads")
    row = await _pick_lead(window, backend)
    lead_id = window.lead_list.model.lead_id(row)
    window.lead_list.select_row(row)
    button = await wait_for(
        lambda: (b := window.findChild(QtWidgets.QAbstractButton, "runButton")) is not None
        and b.isEnabled() and b.isVisibleTo(window) and b,
        left(), "runButton to be enabled",
    )
    button.click()
    try:
        score = await wait_for(lambda: _score_shown(window, lead_id) or _visible_banner(window), left(),
                               "resultCard to show a score")
    except SmokeFailure as exc:
        status = window.findChild(QtWidgets.QLabel, "runStatus")
        raise SmokeFailure(f"{exc} (run status: {status.text() if status else 'unknown'})") from None
    if score in ("duplicateBanner", "quotaBanner"):
        raise SmokeFailure(f"the run was refused: {score} is shown for lead {lead_id}")
    read = await _photo_read(backend, lead_id)
    return f"lead {lead_id} evaluated through the UI, score {score} shown; {read}"


async def run_smoke_test(window: MainWindow, timeout: float = SMOKE_TIMEOUT_S) -> int:
    t0 = time.monotonic()
    try:
        result = await smoke_flow(window, timeout)
    except SmokeFailure as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        log.error("smoke test failed: %s", exc)
        return 1
    except Exception as exc:
        print(f"smoke test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        log.exception("smoke test crashed")
        return 1
    errors = window.error_panel.reports
    if errors:
        print(f"smoke test FAILED: an error was shown: {errors[-1].title}: {errors[-1].message}",
              file=sys.stderr)
        return 1
    print(f"smoke test passed in {time.monotonic() - t0:.1f} s: {result}")
    return 0
