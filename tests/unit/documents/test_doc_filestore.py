"""File store: R2-style keys, no escape from the root, atomic writes, size limit."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from leaselab_desktop.screening.documents import FileStore, FileTooLarge, InvalidKey, Limits, safe_name

KEY_RE = re.compile(r"^leads/[A-Za-z0-9_][A-Za-z0-9_-]*/\d+-[A-Za-z0-9._-]+$")


def _store(tmp_path: Path, **kw: object) -> FileStore:
    return FileStore(tmp_path / "store", clock=lambda: 1_790_000_000.123, **kw)  # type: ignore[arg-type]


def test_put_read_roundtrip_with_hashes(tmp_path: Path) -> None:
    store = _store(tmp_path)
    data = b"%PDF-1.4 hello"
    stored = store.put("lead_1", "Pay Stub Oct.pdf", data)
    assert stored.key == "leads/lead_1/1790000000123-Pay_Stub_Oct.pdf"
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.md5 == hashlib.md5(data).hexdigest()
    assert stored.size == len(data)
    assert store.read(stored.key) == data
    with store.open(stored.key) as fh:
        assert fh.read() == data
    assert store.path(stored.key).is_file()
    assert store.exists(stored.key)
    store.delete(stored.key)
    assert not store.exists(stored.key)


EVIL_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "C:\\Windows\\System32\\cmd.exe",
    "a\x00b.pdf",
    "CON",
    "con.txt",
    "NUL.pdf",
    "lpt1",
    "COM3.tar.gz",
    "x" * 1000 + ".pdf",
    "\u202efdp.exe",
    "．．／．．／etc／passwd",  # full-width dots and slash (NFKC → ../../etc/passwd)
    "",
    ".",
    "..",
    "   ",
    "...pdf",
    "résumé (final).pdf",
    "\n\r\t.pdf",
]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_no_name_escapes_the_root(tmp_path: Path, name: str) -> None:
    store = _store(tmp_path)
    stored = store.put("lead_9", name, b"data")
    assert KEY_RE.match(stored.key), stored.key
    target = store.path(stored.key)
    root = (tmp_path / "store").resolve()
    assert target.is_relative_to(root)
    assert target.parent == root / "leads" / "lead_9"
    base = stored.key.rsplit("/", 1)[1].split("-", 1)[1]
    assert len(base) <= 120
    assert base.split(".")[0].upper() not in {"CON", "NUL", "LPT1", "COM3", "PRN", "AUX"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # nothing written beside it


def test_safe_name_keeps_ordinary_names_readable() -> None:
    assert safe_name("paystub_2026-10-09.pdf") == "paystub_2026-10-09.pdf"
    assert safe_name("résumé (final).pdf") == "resume_final_.pdf"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("") == "file"
    assert safe_name("CON") == "_CON"


@pytest.mark.parametrize("lead_id", ["../x", "", "a/b", "x" * 101, "-lead", "lead id", None])
def test_invalid_lead_ids_are_refused(tmp_path: Path, lead_id: object) -> None:
    with pytest.raises(InvalidKey):
        _store(tmp_path).put(lead_id, "a.pdf", b"x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "key",
    [
        "leads/L1/../../x",
        "/etc/passwd",
        "leads/L1/123-a/../../b",
        "leads/../1-x.pdf",
        "leads/L1/1-x.pdf/..",
        "leads/L1/1-..",
        "other/L1/1-x.pdf",
        "leads/L1/1-x\x00.pdf",
        "",
    ],
)
def test_crafted_keys_are_refused(tmp_path: Path, key: str) -> None:
    store = _store(tmp_path)
    with pytest.raises(InvalidKey):
        store.read(key)
    assert store.exists(key) is False


def test_symlinked_lead_folder_cannot_lead_outside(tmp_path: Path) -> None:
    store = _store(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "1-x.pdf").write_bytes(b"secret")
    (tmp_path / "store" / "leads").mkdir(parents=True)
    try:
        os.symlink(outside, tmp_path / "store" / "leads" / "L2", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here (Windows without privilege)")
    with pytest.raises(InvalidKey):
        store.read("leads/L2/1-x.pdf")


def test_oversized_files_are_refused_and_not_written(tmp_path: Path) -> None:
    store = _store(tmp_path, limits=Limits(max_bytes=1024))
    with pytest.raises(FileTooLarge, match="not accepted"):
        store.put("L1", "big.pdf", b"x" * 1025)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.pdf"))
    assert store.put("L1", "ok.pdf", b"x" * 1024).size == 1024


def test_same_millisecond_same_name_keeps_both(tmp_path: Path) -> None:
    store = _store(tmp_path)
    a = store.put("L1", "stub.pdf", b"first")
    b = store.put("L1", "stub.pdf", b"second")
    assert a.key != b.key
    assert store.read(a.key) == b"first"
    assert store.read(b.key) == b"second"


def test_write_is_atomic_no_partial_or_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path)
    store.put("L1", "first.pdf", b"ok")

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(os, "link", boom)
    with pytest.raises(OSError, match="disk full"):
        store.put("L1", "second.pdf", b"never")
    names = sorted(p.name for p in (tmp_path / "store" / "leads" / "L1").iterdir())
    assert names == ["1790000000123-first.pdf"]


def test_concurrent_puts_of_the_same_name_never_overwrite(tmp_path: Path) -> None:
    import threading

    store = _store(tmp_path)
    results: list[str] = []
    lock = threading.Lock()

    def put(i: int) -> None:
        stored = store.put("L1", "stub.pdf", f"content {i}".encode())
        with lock:
            results.append(stored.key)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 8
    contents = sorted(store.read(k) for k in results)
    assert contents == sorted(f"content {i}".encode() for i in range(8))
    assert not [p for p in (tmp_path / "store" / "leads" / "L1").iterdir() if p.name.startswith(".tmp")]


def test_without_hard_links_falls_back_to_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    store = _store(tmp_path)
    a = store.put("L1", "x.pdf", b"a")
    b = store.put("L1", "x.pdf", b"b")
    assert (store.read(a.key), store.read(b.key)) == (b"a", b"b")
    assert b.key.endswith("-x-1.pdf")
