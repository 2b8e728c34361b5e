"""``--screenshot`` pictures of the comparison: the window at 1600x1000 and 1024x700 on real
evaluations of applicants for one unit, the refusal of a mixed-unit selection, and the Open / Show in
folder box after a real PDF export (into a temporary folder)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from leaselab_desktop.application.evaluations import Evaluations
from leaselab_desktop.gui.qt import QtCore
from leaselab_desktop.gui.shots import save as _save
from leaselab_desktop.gui.shots import settle as _settle
from leaselab_desktop.gui.shots import wait_for as _wait

SIZES = ((1600, 1000), (1024, 700))


def _units(window: Any) -> tuple[list[str], list[str]]:
    """The largest group of applicants for one unit (at most 3), and two leads of different units."""
    store = window.lead_list.model.store
    by_unit: dict[str, list[str]] = defaultdict(list)
    for lead_id, unit in zip(store.ids, store.values["unit_ids"], strict=True):
        if unit:
            by_unit[unit].append(lead_id)
    groups = sorted(by_unit.values(), key=len, reverse=True)
    same = groups[0][:3] if groups and len(groups[0]) > 1 else []
    mixed = [groups[0][0], groups[1][0]] if len(groups) > 1 else []
    return same, mixed


async def _evaluate(backend: Any, lead_ids: list[str]) -> None:
    """Real evaluations (the configured provider) of the leads that have none yet."""
    evaluations = Evaluations(backend)
    for lead_id in lead_ids:
        if await backend.latest_evaluation(lead_id) is None:
            started = await evaluations.start_or_join(lead_id)
            async for _snap in evaluations.follow(started.run_id):
                pass


def _select(window: Any, ids: list[str]) -> None:
    sel = window.lead_list.table.selectionModel()
    sel.clearSelection()
    flags = QtCore.QItemSelectionModel.SelectionFlag
    for lead_id in ids:
        row = window.lead_list.model.view_row_of(lead_id)
        if row is not None:
            sel.select(window.lead_list.model.index(row, 0), flags.Select | flags.Rows)


async def render_compare_states(window: Any, out_dir: Path) -> list[Path]:
    same, mixed = _units(window)
    if window.backend is None or not same:
        return []
    written: list[Path] = []
    window.lead_list.clear_filters()
    await _evaluate(window.backend, same)
    window.refresh()
    await _wait(lambda: not window.lead_list.loading)
    await _settle()
    if mixed:
        _select(window, mixed)
        window.compare.compare_action.trigger()
        await _settle(300)
        if window.compare.notice is not None:
            written.append(_save(window.compare.notice, out_dir / "20-compare-mixed-units.png"))
            window.compare.notice.close()
    _select(window, same)
    dialog = window.compare.compare_selected()
    if dialog is None or not await _wait(lambda: dialog.comparison is not None, 20):
        return written
    for n, (w, h) in enumerate(SIZES, 21):
        dialog.resize(w, h)
        await _settle(300)
        written.append(_save(dialog, out_dir / f"{n}-compare-{w}x{h}.png"))
    with tempfile.TemporaryDirectory() as tmp:
        out = await dialog.export_to(Path(tmp) / "comparison.pdf")
        await _settle(300)
        if out is not None and dialog.saved is not None:
            written.append(_save(dialog.saved, out_dir / "23-export-saved-open.png"))
            dialog.saved.close()
    dialog.close()
    await _settle()
    return written
