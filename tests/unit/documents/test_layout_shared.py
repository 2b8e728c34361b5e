"""The layout reading's shared files say what the Python layout package says.

``resources/documents/layout-vocab.json`` (the labels the worker bundles) and
``resources/documents/layout-cases.json`` (inputs and the Python reading of them, which the worker's
``test/layout.test.ts`` expects from its port) are written by ``worker/scripts/layout_shared.py``.
A label added to ``layout/vocab.py`` or a rule changed in ``layout/`` without regenerating them
fails here; the worker test then shows whether its port still agrees.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_shared", REPO / "worker" / "scripts" / "layout_shared.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vocabulary_json_matches_the_python_labels() -> None:
    gen = _generator()
    stored = json.loads(gen.VOCAB.read_text(encoding="utf-8"))
    want = gen.vocab_json()
    for name, labels in want["labels"].items():
        assert stored["labels"][name] == labels, f"{name}: run worker/scripts/layout_shared.py"
    assert stored == want, "run worker/scripts/layout_shared.py"


def test_cases_json_is_what_the_python_reading_gives() -> None:
    gen = _generator()
    stored = json.loads(gen.CASES.read_text(encoding="utf-8"))
    want = json.loads(json.dumps(gen.cases_json(), ensure_ascii=False))
    for key in ("amounts", "dates", "split_label", "pages"):
        assert stored[key] == want[key], f"{key}: run worker/scripts/layout_shared.py"
    assert stored == want


def test_cases_cover_both_languages_and_both_kinds() -> None:
    stored = json.loads(_generator().CASES.read_text(encoding="utf-8"))
    pages = stored["pages"]
    assert pages["stub_fr"]["read"]["gross"] == 2382.0
    assert pages["stub_columns"]["read"]["ytd_gross"] == 38250.0
    assert pages["bank_two_pages"]["read"]["continuity_breaks"], "the page-2 discontinuity is read"
    assert pages["bank_signed_amount"]["read"]["transactions"][1][1] == -17.0
