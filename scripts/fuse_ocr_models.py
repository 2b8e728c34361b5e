"""Derive the app's OCR models (``resources/ocr/``) from the PP-OCRv4 models in the rapidocr-onnxruntime
wheel: the same networks, written with fewer operations, so onnxruntime runs them about a third faster.

    pip install onnx==1.23.2            # a developer tool's dependency, not the app's
    python scripts/fuse_ocr_models.py [--source DIR] [--out resources/ocr]

Run it again only when the rapidocr-onnxruntime pin in pyproject.toml changes;
``tests/unit/documents/test_ocr_models_fused.py`` fails until you do (it compares the wheel's files
with the hashes recorded in ``models.json``).

Why: PaddleOCR's export writes every block of the PP-LCNetV3 backbone (detector and recogniser) as
Conv → Mul(scale) → Add(bias) → hardswish spelled out as Add(3), Clip(0, 6), Mul, Div(6). Profiled
on onnxruntime 1.32, those element-wise operations were a third of the recogniser's time, and
onnxruntime's own optimiser left them in place. Three rewrites, all exact in real arithmetic:

1. a scalar affine right after a Conv goes into the Conv: weights × scale, bias × scale + bias;
2. hardswish becomes HardSigmoid(alpha=1/6, beta=0.5) × x, two operations instead of four
   (onnxruntime then fuses it into the Conv as its activation);
3. the scalar affine after the activation (PP-LCNetV3's "learnable affine block"): as Mul and Add
   with a scalar, onnxruntime ran it in plain NCHW layout, so every block converted its tensor out
   of and back into the blocked layout its convolutions use (ReorderOutput/ReorderInput: 10 % of
   the recogniser's time). Before a 1×1 Conv it goes into that Conv's weights and bias; before a
   padded (depthwise 3×3, 5×5) Conv it cannot (the shift would land on the zero padding too), so
   it becomes a 1×1 depthwise Conv (weight = scale, bias = shift on every channel), which stays in
   the blocked layout. Measured: recogniser 91 → 71 ms per batch of 4 lines, detector 212 → 146 ms
   per page.

The outputs match the originals to float rounding: the script checks it with onnxruntime before
writing, and the test suite checks the recognised text and detected boxes on real page images.
The angle classifier is copied unchanged. ``models.json`` records the source package, each source
and output file's SHA-256 and the number of rewrites.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from leaselab_desktop.screening.documents import ocr_models  # noqa: E402  (names and where the wheel is)

# output name → (source file in the wheel's models/, whether it is rewritten)
MODELS = {
    out: (src, out != ocr_models.CLS_MODEL)
    for out, src in zip((ocr_models.DET_MODEL, ocr_models.REC_MODEL, ocr_models.CLS_MODEL), ocr_models.WHEEL_MODELS,
                        strict=True)
}
CHECK_SHAPES = {ocr_models.DET_MODEL: (1, 3, 736, 1024), ocr_models.REC_MODEL: (4, 3, 48, 320),
                ocr_models.CLS_MODEL: (4, 3, 48, 192)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheel_models() -> Path:
    found = ocr_models._wheel_model_dirs()
    if not found:
        sys.exit("rapidocr-onnxruntime is not installed; pass --source DIR")
    return found[0]


def installed_version() -> str:
    try:
        return importlib.metadata.version("rapidocr-onnxruntime")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("rapidocr-onnxruntime is not installed here: pass --source-version with --source")


class Graph:
    """The nodes of one ONNX graph with what produces and consumes each tensor."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        self.graph = model.graph
        self.nodes: list[Any] = list(model.graph.node)
        self.values: dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        for node in self.nodes:
            if node.op_type == "Constant" and node.attribute[0].name == "value":
                self.values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.outputs = {o.name for o in model.graph.output}
        self.new_initializers: dict[str, np.ndarray] = {}
        self.gone: set[int] = set()

    def consumers(self, tensor: str) -> list[Any]:
        return [n for n in self.nodes if id(n) not in self.gone and tensor in n.input]

    def sole_consumer(self, tensor: str, op_type: str) -> Any | None:
        found = self.consumers(tensor)
        if tensor in self.outputs or len(found) != 1 or found[0].op_type != op_type:
            return None
        return found[0]

    def scalar_operand(self, node: Any, tensor: str) -> float | None:
        """The other input of a binary ``node`` when it is a one-element constant."""
        others = [i for i in node.input if i != tensor]
        if len(others) != 1 or others[0] not in self.values or self.values[others[0]].size != 1:
            return None
        return float(self.values[others[0]].ravel()[0])

    def add_initializer(self, name: str, value: np.ndarray) -> str:
        self.new_initializers[name] = value.astype(np.float32)
        self.values[name] = self.new_initializers[name]
        return name

    def write_back(self, replaced: dict[int, list[Any]]) -> None:
        from onnx import numpy_helper

        kept: list[Any] = []
        for node in self.nodes:
            if id(node) in replaced:
                kept.extend(replaced[id(node)])
            elif id(node) not in self.gone:
                kept.append(node)
        used = {i for n in kept for i in n.input} | self.outputs
        kept = [n for n in kept if not (n.op_type == "Constant" and n.output[0] not in used)]
        del self.graph.node[:]
        self.graph.node.extend(kept)
        for name, value in self.new_initializers.items():
            self.graph.initializer.append(numpy_helper.from_array(value, name))
        self.new_initializers.clear()
        # weights the rewrites replaced: dropped, or the file carries both copies
        unused = [i for i in self.graph.initializer if i.name not in used]
        for init in unused:
            self.graph.initializer.remove(init)


def scalar_affine(g: Graph, tensor: str) -> tuple[Any, float, Any, float] | None:
    """``tensor`` → Mul(scale) → Add(shift), each the sole user of the one before: (mul, scale,
    add, shift), else None."""
    mul = g.sole_consumer(tensor, "Mul")
    scale = g.scalar_operand(mul, tensor) if mul is not None else None
    if mul is None or scale is None:
        return None
    add = g.sole_consumer(mul.output[0], "Add")
    shift = g.scalar_operand(add, mul.output[0]) if add is not None else None
    return None if shift is None else (mul, scale, add, shift)


def fold_affine_into_conv(g: Graph) -> int:
    """Conv → Mul(s) → Add(b), each the sole user of the one before: W·s and B·s + b in the Conv."""
    folded = 0
    for conv in [n for n in g.nodes if n.op_type == "Conv"]:
        chain = scalar_affine(g, conv.output[0])
        if chain is None or conv.input[1] not in g.values:
            continue
        mul, scale, add, shift = chain
        weight = g.values[conv.input[1]]
        bias = g.values[conv.input[2]] if len(conv.input) > 2 else np.zeros(weight.shape[0], np.float32)
        conv.input[:] = [
            conv.input[0],
            g.add_initializer(f"{conv.output[0]}.w_folded", weight * scale),
            g.add_initializer(f"{conv.output[0]}.b_folded", bias * scale + shift),
        ]
        conv.output[0] = add.output[0]  # the Conv now yields what the Add did
        g.gone |= {id(mul), id(add)}
        folded += 1
    return folded


def fuse_hardswish(g: Graph) -> tuple[int, dict[int, list[Any]]]:
    """x → Add(3) → Clip(0, 6) → Mul(x, ·) → Div(6) becomes x × HardSigmoid(x; 1/6, 1/2)."""
    from onnx import helper

    replaced: dict[int, list[Any]] = {}
    for add in [n for n in g.nodes if n.op_type == "Add" and id(n) not in g.gone]:
        x = next((i for i in add.input if i not in g.values), None)
        if x is None or g.scalar_operand(add, x) != 3.0:
            continue
        clip = g.sole_consumer(add.output[0], "Clip")
        bounds = [float(g.values[i].ravel()[0]) for i in clip.input[1:] if i in g.values] if clip else []
        mul = g.sole_consumer(clip.output[0], "Mul") if clip is not None and bounds == [0.0, 6.0] else None
        if mul is None or x not in mul.input:
            continue
        div = g.sole_consumer(mul.output[0], "Div")
        if div is None or g.scalar_operand(div, mul.output[0]) != 6.0 or div.input[0] != mul.output[0]:
            continue
        gate = f"{div.output[0]}.gate"
        replaced[id(div)] = [
            helper.make_node("HardSigmoid", [x], [gate], alpha=1.0 / 6.0, beta=0.5),
            helper.make_node("Mul", [x, gate], [div.output[0]]),
        ]
        g.gone |= {id(add), id(clip), id(mul)}
    return len(replaced), replaced


def _pointwise(g: Graph, node: Any) -> bool:
    """A 1×1 Conv without padding or groups whose weights are constants."""
    from onnx import helper

    if node.op_type != "Conv":
        return False
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    weight = g.values.get(node.input[1])
    return (weight is not None and weight.shape[2:] == (1, 1)
            and attrs.get("group", 1) == 1 and not any(attrs.get("pads", [])))


def affine_after_activation(g: Graph) -> tuple[int, int, dict[int, list[Any]]]:
    """Conv → x × HardSigmoid(x) → Mul(s) → Add(b), a scalar affine of the activation. Into a 1×1
    Conv that alone reads it: weights × s, bias + b × the sum of each filter's weights. Otherwise
    it becomes one 1×1 Conv with ``group`` = channels, weight s and bias b on every channel.
    Returns (folded, made depthwise, nodes replaced)."""
    from onnx import helper

    channels = {n.output[0]: g.values[n.input[1]].shape[0] for n in g.nodes
                if n.op_type == "Conv" and n.input[1] in g.values}
    replaced: dict[int, list[Any]] = {}
    folded = 0
    for swish in [n for n in g.nodes if n.op_type == "Mul"]:
        width = [channels[i] for i in swish.input if i in channels]  # x × gate, x a Conv's output
        chain = scalar_affine(g, swish.output[0]) if width else None
        if chain is None:
            continue
        mul, scale, add, shift = chain
        x = swish.output[0]
        name = add.output[0]
        users = g.consumers(name)
        if name not in g.outputs and len(users) == 1 and _pointwise(g, users[0]):
            conv = users[0]
            weight = g.values[conv.input[1]]
            bias = g.values[conv.input[2]] if len(conv.input) > 2 else np.zeros(weight.shape[0], np.float32)
            conv.input[:] = [
                x,
                g.add_initializer(f"{conv.output[0]}.w_in", weight * scale),
                g.add_initializer(f"{conv.output[0]}.b_in", bias + shift * weight.sum(axis=(1, 2, 3))),
            ]
            g.gone |= {id(mul), id(add)}
            folded += 1
            continue
        dw_weight = g.add_initializer(f"{name}.dw_w", np.full((width[0], 1, 1, 1), scale, np.float32))
        dw_bias = g.add_initializer(f"{name}.dw_b", np.full((width[0],), shift, np.float32))
        replaced[id(add)] = [helper.make_node("Conv", [x, dw_weight, dw_bias], [name], group=width[0],
                                              kernel_shape=[1, 1])]
        g.gone.add(id(mul))
    return folded, len(replaced), replaced


def rewrite(source: Path, target: Path) -> dict[str, int]:
    import onnx

    model = onnx.load(str(source))
    g = Graph(model)
    folded = fold_affine_into_conv(g)
    fused, replaced = fuse_hardswish(g)
    g.write_back(replaced)
    g = Graph(model)  # the affine after the activation is found on the rewritten graph
    into_next, as_conv, replaced = affine_after_activation(g)
    g.write_back(replaced)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return {"affine_folded_into_conv": folded, "hardswish_fused": fused,
            "activation_affine_into_next_conv": into_next, "activation_affine_as_depthwise_conv": as_conv}


def same_outputs(original: Path, derived: Path, shape: tuple[int, ...]) -> float:
    """The largest difference between the two models' outputs on one random input in [-1, 1]."""
    import onnxruntime as ort

    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    out = []
    for path in (original, derived):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        out.append(session.run(None, {session.get_inputs()[0].name: x})[0])
    return float(np.abs(out[0] - out[1]).max())


def up_to_date(out: Path) -> bool:
    """Every model file in ``out`` is there with the hash its ``models.json`` records."""
    try:
        recorded = json.loads((out / "models.json").read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError):
        return False
    return set(recorded) == set(MODELS) and all(
        (out / name).is_file() and sha256(out / name) == entry.get("sha256") for name, entry in recorded.items()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="the wheel's models/ folder (default: the installed one)")
    parser.add_argument("--source-version", help="the version of the wheel --source came from")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "ocr")
    parser.add_argument("--if-stale", action="store_true",
                        help="write nothing when every file in --out already has the SHA-256 models.json records")
    args = parser.parse_args()
    if args.if_stale and up_to_date(args.out):
        return
    source: Path = args.source or wheel_models()
    args.out.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"source_package": f"rapidocr-onnxruntime {args.source_version or installed_version()}",
                              "models": {}}
    for name, (source_name, rewritten) in MODELS.items():
        src, dst = source / source_name, args.out / name
        counts = rewrite(src, dst) if rewritten else {}
        if not rewritten:
            dst.write_bytes(src.read_bytes())
        worst = same_outputs(src, dst, CHECK_SHAPES[name])
        if worst > 1e-4:
            sys.exit(f"{name}: outputs differ from {source_name} by {worst:g}; not written")
        record["models"][name] = {"source": source_name, "source_sha256": sha256(src), "sha256": sha256(dst), **counts}
        print(f"{name}: from {source_name}, {counts or 'copied'}, largest output difference {worst:.1e}")
    (args.out / "models.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
