"""A phone photo dropped on a lead in the real Qt workspace is read by OCR on a worker thread."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.screening.documents import analyse_file, ocr_intake
from tests.gui.fakes import collect_garbage_on_gui_thread, drop_files, open_workspace  # noqa: F401 - the autouse fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "documents"))
import photo_builders as pb

TIMEOUT = 90.0


@pytest.mark.slow
async def test_dropped_photo_is_read_off_the_gui_thread(paths, tasks, until, tmp_path, monkeypatch) -> None:
    gui_thread = threading.current_thread()
    ocr_threads: list[threading.Thread] = []
    real = ocr_intake.read_page

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        ocr_threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(ocr_intake, "read_page", spy)
    photo = tmp_path / "paystub_photo.jpg"
    photo.write_bytes(pb.phone_photo_jpeg(seed=11, orientation=6))
    backend = await LocalBackend.open(paths)
    async with open_workspace(backend, tasks) as ws:
        lead_id = (await backend.list_leads(LeadQuery(limit=1))).items[0].id
        ws.show_lead(lead_id)
        await until(lambda: ws.detail.lead is not None, timeout=TIMEOUT)
        before = ws.detail.documents.tree.topLevelItemCount()
        assert drop_files(ws.detail.documents, [photo]).isAccepted()
        await until(lambda: ws.detail.documents.tree.topLevelItemCount() == before + 1, timeout=TIMEOUT)
        await backend.documents_analysed()  # the intake thread has read the photo
        assert ocr_threads, "the photo was not read by OCR at intake"
        assert all(t is not gui_thread and t.name.startswith("documents") for t in ocr_threads)
        stored = next(f for f in await backend.list_files(lead_id) if f.file_name == photo.name)
        facts = analyse_file(stored.id, stored.file_name, stored.file_type, photo.read_bytes())
        assert facts.metadata["text_layer"] == "ocr" and facts.pay_stub and facts.pay_stub.gross == 3250.0


@pytest.mark.slow
def test_preview_outlines_a_pasted_region(qapp) -> None:  # type: ignore[no-untyped-def]
    from leaselab_desktop.gui.workspace.preview import render, to_pixmap

    forged = render(pb.paste_amount(pb.upright_photo(seed=5)))
    (x0, y0, x1, y1), = forged.boxes
    assert x0 <= pb.PATCH[0] + 30 and x1 >= pb.PATCH[2] - 30 and y0 <= pb.PATCH[1] + 30 and y1 >= pb.PATCH[3] - 30
    image = to_pixmap(forged).toImage()
    edge = image.pixelColor(x0, (y0 + y1) // 2)
    assert (edge.red(), edge.green(), edge.blue()) == (220, 30, 30)  # drawn in red on the page
    assert render(pb.upright_photo(seed=5)).boxes == ()  # the clean photo: nothing outlined


@pytest.mark.slow
def test_preview_shows_a_heic_photo(qapp) -> None:  # type: ignore[no-untyped-def]
    from leaselab_desktop.gui.workspace.preview import render, to_pixmap

    shown = render(pb.heic_photo(seed=2))
    assert shown.width > 1000 and shown.height > shown.width  # an upright portrait page
    assert not to_pixmap(shown).isNull()


def test_preview_shows_the_ink_of_a_16_bit_scan(qapp) -> None:  # type: ignore[no-untyped-def]
    """A 16-bit greyscale PNG (pypng's, in the held-out corpus) is shown as scanned, not blank white:
    Pillow's own conversion clips its samples at 255."""
    import numpy as np

    from leaselab_desktop.gui.workspace.preview import render, to_pixmap

    scan = Path(__file__).resolve().parents[1] / "heldout" / "files" / "scans" / "stub_us_fpdf_clean_b_scan16.png"
    shown = render(scan.read_bytes())
    rgba = np.frombuffer(shown.rgba, dtype=np.uint8).reshape(shown.height, shown.width, 4)
    assert rgba[..., 0].min() < 60 and 200 < float(np.median(rgba[..., 0])) < 250  # dark ink on grey paper
    assert not to_pixmap(shown).isNull()
