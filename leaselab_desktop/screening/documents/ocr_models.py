"""The PP-OCRv4 models of the rapidocr-onnxruntime wheel, run with onnxruntime directly.

Preferred: ``resources/ocr/``, the same models rewritten with fewer operations by
``scripts/fuse_ocr_models.py`` (same outputs to float rounding, about a third less time). They are derived
files, not committed: ``scripts/_venv.sh`` writes them when it sets up the venv, and a build
bundles them from there. Without them the wheel's own files are run. The recogniser's character
list is the model's own metadata. Tensors are prepared with numpy + Pillow exactly as PaddleOCR
prepares them: BGR channel order, scaled to [-1, 1].
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from PIL import Image

from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.documents.ocr_boxes import Quad, boxes_from_map

DET_MODEL, REC_MODEL, CLS_MODEL = "det.onnx", "rec.onnx", "cls.onnx"
DET_MIN_SIDE = 736  # the detector's input: short side at least this, both sides multiples of 32
REC_HEIGHT, REC_WIDTH = 48, 320  # recogniser input height, and the narrowest batch width
CLS_HEIGHT, CLS_WIDTH = 48, 192
BATCH = 4  # crops per recogniser / classifier run: 6 (PaddleOCR's) pads more, ~12% more CPU


class Reading(NamedTuple):
    """One line as the recogniser read it: its text, the mean confidence of its characters, and
    where each character was read (x of the centre of its run of frames, in the crop's pixels)."""

    text: str
    score: float
    centres: tuple[float, ...] = ()


class ModelsMissing(RuntimeError):
    """The OCR model files (or onnxruntime itself) are not installed."""


WHEEL_PACKAGE = "rapidocr_onnxruntime"
WHEEL_MODELS = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx")
Names = tuple[str, str, str]  # detector, recogniser, classifier files


def model_files() -> tuple[Path, Names]:
    """The folder and file names of the models to run: ``resources/ocr`` when its three rewritten
    files are there (checkout, wheel or frozen bundle), else the rapidocr wheel's originals."""
    names: Names = (DET_MODEL, REC_MODEL, CLS_MODEL)
    places: list[tuple[Path, Names]] = []
    with contextlib.suppress(FileNotFoundError):  # no resources folder: the wheel's, if any
        places.append((resources_dir() / "ocr", names))
    places += [(folder, WHEEL_MODELS) for folder in _wheel_model_dirs()]
    for folder, files in places:
        if all((folder / name).is_file() for name in files):
            return folder, files
    raise ModelsMissing(f"the OCR models are not installed (neither resources/ocr nor {WHEEL_PACKAGE} has them)")


def _wheel_model_dirs() -> list[Path]:
    try:
        spec = importlib.util.find_spec(WHEEL_PACKAGE)  # locates it; does not run its __init__ (OpenCV)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(p) / "models" for p in spec.submodule_search_locations]


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    # Memory (measured on a 1248×736 detector input): without onnxruntime's arena, glibc keeps the
    # freed activations of every run in per-thread heaps (peak 510 MB over a dozen pages); with
    # the arena, shrunk after each run (RUN_OPTIONS), and the heap trimmed after each page
    # (``heap.release_memory``), the peak is ~320 MB and the process falls back to ~160 MB between pages.
    opts.enable_cpu_mem_arena = True
    opts.enable_mem_pattern = False  # input shapes differ on every page: no plan to reuse
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own error classes (InvalidProtobuf, Fail, ...)
        raise ModelsMissing(f"the OCR model {path.name} could not be loaded ({exc})") from exc


def _run_options() -> Any:
    import onnxruntime as ort

    run = ort.RunOptions()
    run.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")  # free it after each run
    return run


def _to_tensor(img: Image.Image) -> np.ndarray:
    """RGB image → 3×H×W float32 BGR in [-1, 1] (PaddleOCR's normalisation, mean = std = 0.5)."""
    arr = np.asarray(img, dtype=np.float32)[..., ::-1]
    return (arr.transpose(2, 0, 1) / 127.5 - 1.0).astype(np.float32)


@dataclass
class Models:
    det: Any
    rec: Any
    cls: Any
    characters: list[str]  # index → character; 0 is the CTC blank
    run_options: Any = None
    workers: int = 1  # recogniser batches run side by side, one onnxruntime thread each

    @classmethod
    def load(cls_, threads: int) -> Models:
        try:
            import onnxruntime  # noqa: F401
        except ImportError as exc:
            raise ModelsMissing(f"onnxruntime is not installed ({exc})") from exc
        folder, names = model_files()
        return cls_.from_folder(folder, threads, names)

    @classmethod
    def from_folder(
        cls_, folder: Path, threads: int, names: Names = (DET_MODEL, REC_MODEL, CLS_MODEL)
    ) -> Models:
        """The three models of ``folder`` (``names``: detector, recogniser, classifier files)."""
        det_name, rec_name, cls_name = names
        # The detector runs once per page on one large input: onnxruntime's own threads split it
        # well. The recogniser runs many small batches (4 × 48 × ~320): split inside one run, the
        # second thread mostly waits, so the batches run side by side instead (~30% less time per
        # page on 2 cores, same text; a session's run is thread-safe).
        rec = _session(folder / rec_name, 1)
        chars = rec.get_modelmeta().custom_metadata_map.get("character", "").splitlines()
        if not chars:
            raise ModelsMissing(f"the OCR model {rec_name} carries no character list")
        return cls_(
            det=_session(folder / det_name, threads), rec=rec, cls=_session(folder / cls_name, threads),
            characters=["blank", *chars, " "], run_options=_run_options(), workers=threads,
        )  # fmt: skip

    def detect(self, img: Image.Image) -> list[Quad]:
        """Text-line quads of ``img`` (RGB), in its pixel coordinates."""
        w, h = img.size
        ratio = max(1.0, DET_MIN_SIDE / min(w, h))
        size_w, size_h = (max(32, round(int(s * ratio) / 32) * 32) for s in (w, h))
        tensor = _to_tensor(img.resize((size_w, size_h), Image.Resampling.BILINEAR))[None]
        (pred,) = self.det.run(None, {self.det.get_inputs()[0].name: tensor}, self.run_options)
        return boxes_from_map(pred[0, 0], w, h)

    def recognise(self, crops: list[Image.Image]) -> list[Reading]:
        """Text, mean character confidence and character positions of each line crop (CTC greedy
        decoding)."""
        results: list[Reading] = [Reading("", 0.0)] * len(crops)
        # widest batches first: the pool's workers take them in order, so the costly ones do not
        # end up alone on one core at the end of the page (~3% less time per page, same text)
        batches = sorted(_batches(crops), key=lambda batch: -max(crops[i].width / crops[i].height for i in batch))
        if self.workers > 1 and len(batches) > 1:
            # a pool per page, not a lasting one: no thread outlives the call
            with ThreadPoolExecutor(min(self.workers, len(batches)), thread_name_prefix="ocr-rec") as pool:
                done = list(pool.map(lambda batch: self._recognise_batch(crops, batch), batches))
        else:
            done = [self._recognise_batch(crops, batch) for batch in batches]
        for batch, texts in zip(batches, done, strict=True):
            for i, text in zip(batch, texts, strict=True):
                results[i] = text
        return results

    def _recognise_batch(self, crops: list[Image.Image], batch: list[int]) -> list[Reading]:
        ratio = max(REC_WIDTH / REC_HEIGHT, *(crops[i].width / crops[i].height for i in batch))
        width = int(REC_HEIGHT * ratio)
        tensor = np.stack([_padded(crops[i], REC_HEIGHT, width) for i in batch])
        (pred,) = self.rec.run(None, {self.rec.get_inputs()[0].name: tensor}, self.run_options)
        frame = width / pred.shape[1]  # input pixels per output frame
        out = []
        for i, row_idx, row_prob in zip(batch, pred.argmax(axis=2), pred.max(axis=2), strict=True):
            keep = np.ones(len(row_idx), dtype=bool)
            keep[1:] = row_idx[1:] != row_idx[:-1]
            keep &= row_idx != 0
            text = "".join(self.characters[k] for k in row_idx[keep])
            # a character's run of frames: from its first frame to the frame before the next change
            starts = np.flatnonzero(keep)
            bounds = np.append(np.flatnonzero(np.diff(row_idx)) + 1, len(row_idx))
            ends = bounds[np.searchsorted(bounds, starts, side="right")]
            to_crop = crops[i].width / _resized_width(crops[i], REC_HEIGHT, width)
            centres = tuple(float((s + e) / 2 * frame * to_crop) for s, e in zip(starts, ends, strict=True))
            out.append(Reading(text, float(row_prob[keep].mean()) if keep.any() else 0.0, centres))
        return out

    def upside_down(self, crops: list[Image.Image]) -> list[tuple[bool, float]]:
        """For each crop: whether the angle classifier reads it as turned 180°, and its score."""
        out: list[tuple[bool, float]] = [(False, 0.0)] * len(crops)
        name = self.cls.get_inputs()[0].name
        for batch in _batches(crops):
            tensor = np.stack([_padded(crops[i], CLS_HEIGHT, CLS_WIDTH) for i in batch])
            (prob,) = self.cls.run(None, {name: tensor}, self.run_options)
            for i, row in zip(batch, prob, strict=True):
                label = int(row.argmax())
                out[i] = (label == 1, float(row[label]))
        return out


def _batches(crops: list[Image.Image]) -> list[list[int]]:
    """Indexes in batches of similar width:height (less padding per batch)."""
    order = sorted(range(len(crops)), key=lambda i: crops[i].width / crops[i].height)
    return [order[i : i + BATCH] for i in range(0, len(order), BATCH)]


def _resized_width(crop: Image.Image, height: int, width: int) -> int:
    return max(1, min(width, math.ceil(height * crop.width / crop.height)))


def _padded(crop: Image.Image, height: int, width: int) -> np.ndarray:
    """The crop scaled to ``height`` (width by its ratio, at most ``width``), padded right with 0."""
    resized_w = _resized_width(crop, height, width)
    out = np.zeros((3, height, width), dtype=np.float32)
    out[:, :, :resized_w] = _to_tensor(crop.resize((resized_w, height), Image.Resampling.BILINEAR))
    return out
