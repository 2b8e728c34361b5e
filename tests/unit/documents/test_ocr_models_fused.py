"""The OCR models the app runs (resources/ocr, written at set-up by scripts/fuse_ocr_models.py) are
the rapidocr-onnxruntime wheel's PP-OCRv4 models rewritten: checked file by file against
models.json (committed; the .onnx files are not), and
run side by side with the wheel's originals on a phone photo from the corpus (a real page image
that no LeaseLab OCR code drew)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.documents import ocr, ocr_models
from leaselab_desktop.screening.documents.ocr_boxes import crop

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = resources_dir() / "ocr"
RECORD = json.loads((SHIPPED / "models.json").read_text(encoding="utf-8"))
PHOTO = ROOT / "tests" / "corpus" / "files" / "scans" / "stub_ca_docx_clean_b_photo.jpg"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wheel_models() -> Path:
    found = ocr_models._wheel_model_dirs()
    if not found:
        pytest.skip("rapidocr-onnxruntime is not installed on this Python (it has no wheel for 3.13+)")
    return found[0]


def _shipped() -> Path:
    if not all((SHIPPED / n).is_file() for n in (ocr_models.DET_MODEL, ocr_models.REC_MODEL, ocr_models.CLS_MODEL)):
        pytest.skip("resources/ocr/*.onnx were not written (scripts/_venv.sh needs onnx and the rapidocr wheel)")
    return SHIPPED


@pytest.mark.parametrize("name", [ocr_models.DET_MODEL, ocr_models.REC_MODEL, ocr_models.CLS_MODEL])
def test_each_shipped_model_is_the_file_models_json_records(name: str) -> None:
    assert _sha256(_shipped() / name) == RECORD["models"][name]["sha256"]


def test_without_the_rewritten_models_the_wheels_own_are_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = _wheel_models()
    monkeypatch.setattr(ocr_models, "resources_dir", lambda: tmp_path)  # no ocr/ folder
    folder, names = ocr_models.model_files()
    assert (folder, names) == (wheel, ocr_models.WHEEL_MODELS)
    monkeypatch.setattr(ocr_models, "resources_dir", resources_dir)
    assert ocr_models.model_files()[0] == _shipped()  # written: preferred


def test_the_shipped_models_come_from_the_pinned_wheel() -> None:
    """A new rapidocr-onnxruntime pin fails here until scripts/fuse_ocr_models.py is run again."""
    wheel = _wheel_models()
    assert RECORD["source_package"] == f"rapidocr-onnxruntime {importlib.metadata.version('rapidocr-onnxruntime')}"
    for name, entry in RECORD["models"].items():
        assert _sha256(wheel / entry["source"]) == entry["source_sha256"], name
    rewritten = [RECORD["models"][n] for n in (ocr_models.DET_MODEL, ocr_models.REC_MODEL)]
    assert all(e["affine_folded_into_conv"] > 0 and e["hardswish_fused"] > 0 for e in rewritten)


@pytest.fixture(scope="module")
def both() -> tuple[ocr_models.Models, ocr_models.Models]:
    wheel = _wheel_models()
    order = (ocr_models.DET_MODEL, ocr_models.REC_MODEL, ocr_models.CLS_MODEL)
    det, rec, cls = (RECORD["models"][n]["source"] for n in order)
    original = ocr_models.Models.from_folder(wheel, 2, (det, rec, cls))
    return ocr_models.Models.from_folder(_shipped(), 2), original


def test_the_shipped_models_read_a_photo_as_the_wheels_models_do(
    both: tuple[ocr_models.Models, ocr_models.Models],
) -> None:
    shipped, original = both
    img = Image.open(PHOTO).convert("RGB")
    img.thumbnail((1024, 1024))
    boxes = shipped.detect(img)
    assert len(boxes) > 20  # a pay stub: dozens of lines
    assert len(original.detect(img)) == len(boxes)
    for mine, theirs in zip(boxes, original.detect(img), strict=True):
        assert np.abs(mine - theirs).max() < 0.5  # the same lines, to under half a pixel
    crops = [crop(img, b) for b in boxes]
    read, expected = shipped.recognise(crops), original.recognise(crops)
    assert [r.text for r in read] == [r.text for r in expected]
    assert [r.centres for r in read] == [r.centres for r in expected]  # each character at the same frames
    assert max(abs(a.score - b.score) for a, b in zip(read, expected, strict=True)) < 1e-4
    assert any("GROSS" in r.text.upper() for r in read)  # it did read the stub
    assert shipped.upside_down(crops[:4]) == original.upside_down(crops[:4])  # the same file


def test_a_damaged_model_file_says_ocr_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ocr").mkdir()
    for name in (ocr_models.DET_MODEL, ocr_models.CLS_MODEL):
        (tmp_path / "ocr" / name).write_bytes((SHIPPED / name).read_bytes())
    (tmp_path / "ocr" / ocr_models.REC_MODEL).write_bytes((SHIPPED / ocr_models.REC_MODEL).read_bytes()[:4096])
    monkeypatch.setattr(ocr_models, "resources_dir", lambda: tmp_path)
    monkeypatch.setattr(ocr, "_engine", None)
    with pytest.raises(ocr.OcrUnavailable, match=r"rec\.onnx could not be loaded"):
        ocr.read_page(np.zeros((50, 50, 3), dtype=np.uint8))
