"""The layout reading's shared files.

``resources/documents/layout-vocab.json`` is the one copy of the labels: ``layout/vocab.py`` loads it
and the worker bundles it, so neither side can drift; these tests check the loading and that a
missing or broken file fails loudly. ``resources/documents/layout-cases.json`` (inputs and the Python
reading of them, which the worker's ``test/layout.test.ts`` expects from its port) is written by
``worker/scripts/layout_shared.py``: a rule changed in ``layout/`` without regenerating it fails here;
the worker test then shows whether its port still agrees.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from leaselab_desktop.screening.documents.layout import letter, pairing, vocab
from leaselab_desktop.screening.documents.layout.text import compact

REPO = Path(__file__).resolve().parents[3]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_shared", REPO / "worker" / "scripts" / "layout_shared.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VOCAB_FILE = REPO / "resources" / "documents" / "layout-vocab.json"


def test_python_labels_are_the_json_ones_longest_first() -> None:
    stored = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
    assert vocab.vocabulary_path().resolve() == VOCAB_FILE.resolve()
    for name, labels in stored["labels"].items():
        got = getattr(vocab, name)
        assert set(got) == set(labels), name
        assert [len(s) for s in got] == sorted((len(s) for s in got), reverse=True), name
    assert vocab.GROSS.index("grosspay") < vocab.GROSS.index("gross")
    assert set(stored["stop_extra"]) | set(vocab.EMPLOYER) | set(vocab.NET) <= set(vocab.STOPS)
    assert "salairebrut" in vocab.SPLIT_PHRASES and "nomcomplet" not in vocab.SPLIT_PHRASES  # ID_NAME only
    assert tuple(stored["ytd_marks"]) == pairing.YTD_MARKS
    assert tuple(stored["letter_salary"]) == letter.SALARY_LABELS


def test_withholding_labels_are_compact_and_each_names_one_kind() -> None:
    stored = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))["withholding"]
    every = [label for labels in stored.values() for label in labels]
    assert every == [compact(label) for label in every]
    assert len(every) == len(set(every)), "a label listed under two kinds"
    order = [pair for pair in vocab.WITHHOLDING if pair[0] in ("cpp2", "cpp", "ficamedicare", "fica")]
    assert order == [("ficamedicare", "medicare"), ("cpp2", "cpp2"), ("fica", "social_security"), ("cpp", "cpp")]


def test_the_generator_no_longer_writes_the_vocabulary() -> None:
    gen = _generator()
    assert not hasattr(gen, "vocab_json") and not hasattr(gen, "VOCAB")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "malformed"),
        ("[]", "malformed"),
        (json.dumps({"about": "x"}), "labels"),
        ("labels_missing_gross", "GROSS"),
    ],
)
def test_a_broken_vocabulary_file_raises_a_clear_error(tmp_path: Path, content: str, says: str) -> None:
    if content == "labels_missing_gross":  # the real file with one list taken out
        data = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
        del data["labels"]["GROSS"]
        content = json.dumps(data)
    path = tmp_path / "layout-vocab.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(vocab.VocabularyError, match="malformed") as err:
        vocab.load_vocabulary(path)
    assert str(path) in str(err.value) and says in str(err.value)


def test_a_missing_vocabulary_file_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(vocab.VocabularyError, match="could not be read"):
        vocab.load_vocabulary(tmp_path / "nowhere.json")


def test_the_vocabulary_is_found_through_the_resources_locator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a wheel or the frozen app: wherever resources/ is, the vocabulary is read from there."""
    (tmp_path / "documents").mkdir()
    data = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
    data["labels"]["GROSS"] = ["grosspay", "montantbrut"]
    (tmp_path / "documents" / "layout-vocab.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("LEASELAB_RESOURCES", str(tmp_path))
    assert vocab.load_vocabulary().labels["GROSS"] == ["grosspay", "montantbrut"]
    (tmp_path / "documents" / "layout-vocab.json").unlink()
    with pytest.raises(vocab.VocabularyError, match=re.escape(str(tmp_path))):
        vocab.load_vocabulary()


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
