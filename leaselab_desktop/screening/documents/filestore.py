"""Local file store keyed like the R2 bucket: ``leads/{leadId}/{timestamp}-{safe name}``.

No file name can escape the root: names are reduced to a safe base name (no separators, no
control characters, no reserved Windows device names, bounded length, NFKC-normalised) and every
key is re-validated and resolved inside the root before any read or write. Writes are atomic
(temporary file in the same directory, fsync, ``os.replace``).

With a ``Sealer`` every file is written encrypted (the key lives in the OS keyring, see
``leaselab_desktop.sealing``); plaintext files written before are still read, and
``seal_existing`` encrypts them in place.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS, Limits
from leaselab_desktop.sealing import Sealer, SealError, is_sealed

LEAD_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$")
_SAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9._-]+")
_KEY_RE = re.compile(r"^leads/([A-Za-z0-9_][A-Za-z0-9_-]{0,99})/(\d{1,20}-[A-Za-z0-9._-]{1,160})$")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)}
    | {f"LPT{i}" for i in range(10)}
)
MAX_NAME_CHARS = 120
ALL_SEALED = ".all-sealed"  # marker: no plaintext file left in the store


class InvalidKey(ValueError):
    """A key that is not of the store's form or would resolve outside its root."""


class FileTooLarge(ValueError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"The file is {size / 1048576:.1f} MiB; files larger than {limit / 1048576:.0f} MiB "
            "are not accepted. Ask the applicant for a smaller scan or export."
        )
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str
    md5: str
    size: int


def safe_name(name: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """Reduce any user-supplied file name to a safe, portable base name (never empty)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # controls, NUL, bidi
    text = re.split(r"[\\/]", text)[-1]  # keep only the last path component
    text = _SAFE_CHARS_RE.sub("_", text).strip("._ -")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    ext = ext[:16]
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = stem[: max_chars - len(ext) - 1] if ext else stem[:max_chars]
    out = f"{stem}.{ext}" if ext and stem else (stem or ext)
    out = out.strip(". -")
    if not out or out.split(".")[0].upper() in _WINDOWS_RESERVED:
        out = "file" + (f".{ext}" if ext and out else "")
    return out


def hashes(data: bytes) -> tuple[str, str]:
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest()


class FileStore:
    """Files of leads under ``root``; ``clock`` returns epoch seconds (injected for tests)."""

    def __init__(
        self,
        root: Path,
        limits: Limits = DEFAULT_LIMITS,
        clock: Callable[[], float] = time.time,
        sealer: Sealer | None = None,
    ) -> None:
        self.root = Path(root)
        self.limits = limits
        self._clock = clock
        self.sealer = sealer

    # -- keys ---------------------------------------------------------------------------------
    def make_key(self, lead_id: str, name: str) -> str:
        if not isinstance(lead_id, str) or not LEAD_ID_RE.match(lead_id):
            raise InvalidKey(f"invalid lead id {lead_id!r}")
        stamp = int(self._clock() * 1000)
        return f"leads/{lead_id}/{stamp}-{safe_name(name)}"

    def path(self, key: str) -> Path:
        """The file's path for a valid key; raises InvalidKey for anything that could escape."""
        m = _KEY_RE.match(key) if isinstance(key, str) else None
        if m is None or safe_name(m.group(2), max_chars=200) != m.group(2):
            raise InvalidKey(f"not a file store key: {key!r}")
        root = self.root.resolve()
        target = (root / key).resolve()
        if not target.is_relative_to(root):
            raise InvalidKey(f"key resolves outside the store: {key!r}")
        return target

    # -- write --------------------------------------------------------------------------------
    def put(self, lead_id: str, name: str, data: bytes) -> StoredFile:
        """Store ``data``; never overwrites: the same name in the same millisecond gets ``-1``, ``-2``…"""
        if len(data) > self.limits.max_bytes:
            raise FileTooLarge(len(data), self.limits.max_bytes)
        base_key = self.make_key(lead_id, name)
        folder = self.path(base_key).parent
        folder.mkdir(parents=True, exist_ok=True)
        stored = self.sealer.seal(data, f"leads/{lead_id}") if self.sealer else data
        if self.sealer is None:
            (self.root / ALL_SEALED).unlink(missing_ok=True)  # a plaintext file joins the store
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(stored)
                fh.flush()
                os.fsync(fh.fileno())
            key = self._commit(tmp, base_key)
        finally:
            Path(tmp).unlink(missing_ok=True)
        sha, md5 = hashes(data)
        return StoredFile(key=key, sha256=sha, md5=md5, size=len(data))

    def _commit(self, tmp: str, base_key: str) -> str:
        """Give the written temporary file its final name without ever replacing another file."""
        stem, dot, ext = base_key.rpartition(".")
        for n in range(10_000):
            key = base_key if n == 0 else (f"{stem}-{n}.{ext}" if dot else f"{base_key}-{n}")
            target = self.path(key)
            try:
                os.link(tmp, target)  # atomic and exclusive: fails if the name exists
                return key
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system: check, then rename
                if target.exists():
                    continue
                os.replace(tmp, target)
                return key
        raise FileExistsError(f"too many files named {base_key!r}")

    # -- read ---------------------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.read(key))

    def read(self, key: str) -> bytes:
        return self.contents(self.path(key))

    def contents(self, path: Path) -> bytes:
        """The plain bytes of the stored file at ``path`` (a path this store gave out)."""
        raw = Path(path).read_bytes()
        if not is_sealed(raw):
            return raw  # written before encryption (``seal_existing`` encrypts it)
        if self.sealer is None:
            raise SealError("This document is encrypted and its key is not available (no secure keyring).")
        return self.sealer.open(raw, f"leads/{Path(path).parent.name}")

    def seal_existing(self) -> int:
        """Encrypt every stored file still in plaintext, in place (atomically); returns how many."""
        if self.sealer is None or (self.root / ALL_SEALED).exists():
            return 0  # the marker: every file was sealed when written (no scan at each start)
        done = 0
        for path in sorted((self.root / "leads").glob("*/*")):
            if path.name.startswith(".tmp-") or not path.is_file() or path.is_symlink():
                continue
            with path.open("rb") as fh:
                if is_sealed(fh.read(16)):
                    continue  # already sealed: only its head is read
            raw = path.read_bytes()
            was = path.stat()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(self.sealer.seal(raw, f"leads/{path.parent.name}"))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.utime(tmp, ns=(was.st_atime_ns, was.st_mtime_ns))  # still the file it was
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            done += 1
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ALL_SEALED).write_text("every document in this folder is encrypted\n", encoding="ascii")
        return done

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except InvalidKey:
            return False

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
