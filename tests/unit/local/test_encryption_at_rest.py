"""The local backend's documents and analyses are encrypted at rest with a key in the keyring."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from reportlab.pdfgen import canvas

from leaselab_desktop import cli
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.sealing import MAGIC
from leaselab_desktop.secrets import MemoryKeyring, SecretStore
from leaselab_desktop.store.at_rest import ACCEPTED_FILE, EncryptionKeyMissing, NoSecureKeyring

MARKER = "QUOKKA-7731-ZANZIBAR"


def _pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.drawString(72, 720, "Northwind Traders - Pay statement")
    c.drawString(72, 700, f"Employee remark: {MARKER}")
    c.drawString(72, 680, "Gross pay 5,200.00   Net pay 4,100.00")
    c.showPage()
    c.save()
    return buf.getvalue()


def _grep(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def test_no_document_text_in_the_data_folder(tmp_path: Path) -> None:
    pdf = _pdf()
    assert MARKER.encode() in pdf  # the raw PDF carries the text: a plaintext copy would be found
    paths = Paths(tmp_path / "data")
    backend = await LocalBackend.open(paths, count_free_providers=True)
    try:
        f = await backend.attach_bytes("lead_demo_01", "paystub-nov.pdf", pdf, "paystub")
        await backend.documents_analysed()
        ticket = await backend.start_evaluation("lead_demo_01", force=True, reason="new pay stub")
        async for _ in backend.watch_run(ticket.run_id):
            pass
        assert await backend.read_file(f) == pdf  # read back decrypted
    finally:
        await backend.aclose()
    assert _grep(paths.data_dir, MARKER.encode()) == []
    assert _grep(paths.data_dir, b"Northwind Traders - Pay statement") == []
    stored = [p for p in paths.files_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    analyses = [p for p in (paths.cache_dir / "document-analyses").rglob("*.json")]
    assert stored and analyses
    assert all(p.read_bytes().startswith(MAGIC) for p in stored + analyses)
    assert not (paths.data_dir / ACCEPTED_FILE).exists()


async def test_plaintext_written_before_is_encrypted_in_place(tmp_path: Path) -> None:
    import keyring

    from leaselab_desktop.screening.documents import analyse

    with analyse._cache_lock:  # analyses held in memory by earlier tests would not be stored again
        analyse._cache.clear()
    paths = Paths(tmp_path / "data")
    keyring.set_keyring(FailKeyring())  # an old install without a keyring, the user accepted it
    backend = await LocalBackend.open(paths, allow_unencrypted=True)
    await backend.documents_analysed()
    demo = await backend.list_files("lead_demo_01")
    before = {f.id: await backend.read_file(f) for f in demo}
    await backend.aclose()
    files = [p for p in paths.files_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files and not any(p.read_bytes().startswith(MAGIC) for p in files)

    keyring.set_keyring(MemoryKeyring(secure=True))  # a keyring now: encrypted at the next start
    backend = await LocalBackend.open(paths)
    try:
        assert all(p.read_bytes().startswith(MAGIC) for p in paths.files_dir.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
        analyses = list((paths.cache_dir / "document-analyses").rglob("*.json"))
        assert analyses and all(p.read_bytes().startswith(MAGIC) for p in analyses)
        assert {f.id: await backend.read_file(f) for f in demo} == before
    finally:
        await backend.aclose()


async def test_without_a_secure_keyring_it_asks_and_never_falls_back_silently(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    import keyring

    keyring.set_keyring(FailKeyring())
    paths = Paths(tmp_path / "data")
    with pytest.raises(NoSecureKeyring) as err:
        await LocalBackend.open(paths)
    assert "No secure keyring" in str(err.value) and "--allow-unencrypted" in str(err.value)
    assert not paths.database.exists() and not any(paths.files_dir.rglob("*"))  # nothing written

    code = await asyncio.to_thread(cli.main, ["--data-dir", str(paths.data_dir), "leads"])
    assert code == 2 and "--allow-unencrypted" in capsys.readouterr().err
    code = await asyncio.to_thread(cli.main, ["--data-dir", str(paths.data_dir), "--allow-unencrypted", "leads"])
    assert code == 0 and "lead_demo_01" in capsys.readouterr().out
    assert "unencrypted" in (paths.data_dir / ACCEPTED_FILE).read_text(encoding="utf-8")
    code = await asyncio.to_thread(cli.main, ["--data-dir", str(paths.data_dir), "leads"])
    assert code == 0  # the answer is remembered for this data folder


async def test_encrypted_data_without_its_key_is_refused_untouched(tmp_path: Path) -> None:
    import keyring

    paths = Paths(tmp_path / "data")
    await (await LocalBackend.open(paths)).aclose()
    before = {p: p.read_bytes() for p in paths.files_dir.rglob("*/*/*") if p.is_file()}
    keyring.set_keyring(MemoryKeyring(secure=True))  # another computer's (empty) keyring
    with pytest.raises(EncryptionKeyMissing, match="not in this computer's keyring"):
        await LocalBackend.open(paths, secrets=SecretStore())
    assert {p: p.read_bytes() for p in paths.files_dir.rglob("*/*/*") if p.is_file()} == before


async def test_a_keyring_that_refuses_the_key_is_no_secure_keyring(tmp_path: Path) -> None:
    """A keyring that says it is secure but does not keep the key (a locked keychain)."""
    from keyring.errors import KeyringError

    class Refusing(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringError("the keychain is locked")

    secrets = SecretStore(Refusing(secure=True))
    with pytest.raises(NoSecureKeyring, match="did not keep the encryption key"):
        await LocalBackend.open(Paths(tmp_path / "a"), secrets=secrets)
    backend = await LocalBackend.open(Paths(tmp_path / "b"), secrets=secrets, allow_unencrypted=True)
    await backend.aclose()
    assert (tmp_path / "b" / ACCEPTED_FILE).exists()  # the answer given on the command line, recorded
