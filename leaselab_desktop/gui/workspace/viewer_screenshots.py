"""Screenshots of the document viewer, the result header and the small-screen layouts
(``--screenshot DIR``): ``vw-*.png`` at 1600x1000, 1366x768 and 1024x700, on the open backend's data.
"""

from __future__ import annotations

import logging
from pathlib import Path

from leaselab_desktop.domain.evidence import EvidenceMark
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.shots import save as _save
from leaselab_desktop.gui.shots import settle as _settle
from leaselab_desktop.gui.shots import wait_for as _wait
from leaselab_desktop.gui.workspace.workspace import LeadWorkspace

log = logging.getLogger(__name__)
SIZES = {"large": QtCore.QSize(1600, 1000), "laptop": QtCore.QSize(1366, 768), "small": QtCore.QSize(1024, 700)}


async def _open_document(ws: LeadWorkspace, suffixes: tuple[str, ...]) -> bool:
    tree = ws.detail.documents.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    item = next((it for it in items if it is not None and it.text(0).lower().endswith(suffixes)), None)
    if item is None:
        return False
    tree.setCurrentIndex(QtCore.QModelIndex())  # so choosing it again opens it again
    tree.setCurrentItem(item)
    viewer = ws.viewer
    await _wait(lambda: (viewer.name == item.text(0) and not viewer.pixmap.isNull())
                or "could not" in viewer.message.text(), 40)
    await _settle()
    if viewer.pixmap.isNull():
        log.warning("the viewer did not show %s: %s", item.text(0), viewer.message.text())
    return not viewer.pixmap.isNull()


def _stage_evidence(ws: LeadWorkspace) -> None:
    w, h = ws.viewer.pixmap.width(), ws.viewer.pixmap.height()
    box = (round(w * 0.35), round(h * 0.38), round(w * 0.6), round(h * 0.48))
    ws.viewer.set_marks([EvidenceMark(0, box, "px", "Part of the image looks pasted in.", (
        f"The region x {box[0]}–{box[2]}, y {box[1]}–{box[3]} (pixels of the upright image) has a noise "
        "level of 0.11 against 1.32 for the rest of the image: it carries no camera or scanner noise."))])


async def render_viewer_states(window: QtWidgets.QWidget, out_dir: Path) -> list[Path]:
    """The viewer fit to the width and zoomed, the header, and the layouts at three window sizes."""
    ws = window if isinstance(window, LeadWorkspace) else window.findChild(LeadWorkspace)
    if ws is None or ws.backend is None or ws.lead_id is None:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    window.resize(SIZES["large"])
    await _settle(300)
    if await _open_document(ws, (".pdf",)):
        shots.append(_save(window, out_dir / "vw-01-viewer-fit-width-1600.png"))
        ws.viewer.set_zoom(1.5)
        await _wait(lambda: ws.viewer.pixmap.width() >= ws.viewer.canvas.display_width * 0.9, 10)
        await _settle()
        shots.append(_save(window, out_dir / "vw-02-viewer-zoom-150-1600.png"))
        ws.viewer.fit_width()
    if await _open_document(ws, (".jpg", ".jpeg", ".png", ".heic", ".webp", ".tif", ".tiff")):
        _stage_evidence(ws)  # the demo's photos are clean: show the mark a pasted region would get
        await _settle()
        shots.append(_save(window, out_dir / "vw-03-viewer-image-evidence-1600.png"))
        ws.viewer.set_marks([])
    ws.panes.show_pane(ws.evaluation_page)
    ws.result_scroll.verticalScrollBar().setValue(ws.result_scroll.verticalScrollBar().maximum())
    await _settle()
    shots.append(_save(window, out_dir / "vw-04-header-stays-1600.png"))
    for key, name in (("laptop", "vw-05-layout-1366x768.png"), ("small", "vw-06-layout-1024x700.png")):
        window.resize(SIZES[key])
        await _settle(300)
        shots.append(_save(window, out_dir / name))
    panes = getattr(window, "panes", None)
    if panes is not None:  # the narrow window: the lead tab, with the viewer in front
        panes.show_pane(ws)
        await _open_document(ws, (".pdf",))
        shots.append(_save(window, out_dir / "vw-07-viewer-1024x700.png"))
        ws.panes.show_pane(ws.evaluation_page)
        await _settle()
        shots.append(_save(window, out_dir / "vw-09-evaluation-1024x700.png"))
        panes.show_pane(getattr(window, "lead_list", ws))
        await _settle()
        shots.append(_save(window, out_dir / "vw-08-leads-tab-1024x700.png"))
    window.resize(SIZES["large"])
    await _settle()
    return shots
