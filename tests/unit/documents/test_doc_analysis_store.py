"""Persisted document analyses: keyed by content, checked on read, recomputed when untrustworthy."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from doc_builders import text_pdf

from leaselab_desktop.screening.documents import analyse
from leaselab_desktop.screening.documents.analyse import analyse_file, clear_cache
from leaselab_desktop.screening.documents.analysis_store import AnalysisStore, analysis_key
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS

PAYSTUB = ["ACME Widgets Inc.", "Employee: Jane Doe", "Pay Date: 2026-10-09",
           "Gross Pay: $3,000.00", "Net Pay: $2,250.00"]



def _pdf(tmp_path: Path, name: str = "stub.pdf", lines: list[str] | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(text_pdf(lines or PAYSTUB))
    return path


def test_analysed_once_then_read_from_the_store(tmp_path: Path, counted: list[str]) -> None:
    store = AnalysisStore(tmp_path / "analyses")
    path = _pdf(tmp_path)
    first = analyse_file("file_a", "stub.pdf", "paystub", path, store=store)
    clear_cache()  # a new process: nothing in memory
    again = analyse_file("file_b", "stub.pdf", "paystub", path, store=store)
    assert counted == ["stub.pdf"]
    assert again.file_id == "file_b"
    assert again.model_dump(exclude={"file_id"}) == first.model_dump(exclude={"file_id"})
    assert first.text and first.kind == "paystub"


def test_the_key_is_the_content_and_what_the_analysis_depends_on(tmp_path: Path, counted: list[str]) -> None:
    store = AnalysisStore(tmp_path / "analyses")
    path = _pdf(tmp_path)
    other = _pdf(tmp_path, "other.pdf", [*PAYSTUB[:-1], "Net Pay: $9,250.00"])
    analyse_file("f1", "stub.pdf", "paystub", path, store=store)
    clear_cache()
    analyse_file("f2", "stub.pdf", "paystub", other, store=store)  # other bytes, same name
    analyse_file("f3", "stub.jpg", "paystub", path, store=store)  # same bytes, another name
    analyse_file("f4", "stub.pdf", "bank_statement", path, store=store)  # same bytes, another type
    assert counted == ["stub.pdf", "stub.pdf", "stub.jpg", "stub.pdf"]
    keys = {analysis_key("a" * 64, 1, "x.pdf", "paystub", DEFAULT_LIMITS),
            analysis_key("b" * 64, 1, "x.pdf", "paystub", DEFAULT_LIMITS),
            analysis_key("a" * 64, 2, "x.pdf", "paystub", DEFAULT_LIMITS)}
    assert len(keys) == 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered", "wrong_key", "empty"])
def test_a_corrupt_stored_analysis_is_ignored_and_recomputed(
        tmp_path: Path, counted: list[str], damage: str) -> None:
    store = AnalysisStore(tmp_path / "analyses")
    path = _pdf(tmp_path)
    good = analyse_file("f1", "stub.pdf", "paystub", path, store=store)
    [entry] = list((tmp_path / "analyses").rglob("*.json"))
    raw = entry.read_text()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xffnot json")
    elif damage == "truncated":
        entry.write_text(raw[: len(raw) // 2])
    elif damage == "empty":
        entry.write_text("")
    else:
        envelope = json.loads(raw)
        if damage == "tampered":  # valid JSON, plausible facts, but not what was stored
            envelope["facts"] = envelope["facts"].replace("2,250.00", "9,250.00").replace("2250.0", "9250.0")
        else:
            envelope["key"] = "0" * 64
        entry.write_text(json.dumps(envelope))
    clear_cache()
    again = analyse_file("f1", "stub.pdf", "paystub", path, store=store)
    assert counted == ["stub.pdf", "stub.pdf"]  # analysed again, not read
    assert again == good
    clear_cache()
    analyse_file("f1", "stub.pdf", "paystub", path, store=store)  # the rewritten entry is good
    assert counted == ["stub.pdf", "stub.pdf"]


def test_an_unwritable_store_only_costs_the_reuse(tmp_path: Path, counted: list[str]) -> None:
    blocker = tmp_path / "analyses"
    blocker.write_text("a file where the folder would be")
    store = AnalysisStore(blocker)
    path = _pdf(tmp_path)
    facts = analyse_file("f1", "stub.pdf", "paystub", path, store=store)
    assert facts.kind == "paystub" and counted == ["stub.pdf"]


def test_concurrent_requests_for_the_same_content_share_one_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    calls: list[str] = []
    real = analyse._analyse

    def slow(file_id, file_name, *rest):  # type: ignore[no-untyped-def]
        calls.append(file_id)
        time.sleep(0.2)
        return real(file_id, file_name, *rest)

    monkeypatch.setattr(analyse, "_analyse", slow)
    store = AnalysisStore(tmp_path / "analyses")
    path = _pdf(tmp_path)
    results: dict[str, object] = {}

    def work(file_id: str) -> None:
        results[file_id] = analyse_file(file_id, "stub.pdf", "paystub", path, store=store)

    threads = [threading.Thread(target=work, args=(f"f{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    clear_cache()
    assert len(calls) == 1
    assert {r.file_id for r in results.values()} == {"f0", "f1", "f2", "f3"}  # type: ignore[attr-defined]
