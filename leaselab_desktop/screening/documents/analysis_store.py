"""Persisted document analyses, addressed by content.

A document is analysed once, when it arrives (attach, import, demo load), and the evaluation then
reads the stored ``DocumentFacts`` instead of parsing the PDF again. Entries are keyed by what the
analysis depends on and nothing else: the sha256 and size of the bytes, the file name (format
mislabelling), the declared type, the limits, the analysis code (``ANALYSIS_VERSION`` plus the
versions of the package and of the PDF/image libraries). A different document, or the same bytes
under another name or type, never shares an entry.

An entry is a cache: written atomically without fsync, and checked on read (envelope version, key,
checksum of the facts, schema). Anything that does not check out is ignored (and removed), and the
document is analysed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from leaselab_desktop.screening.documents.filestore import ALL_SEALED
from leaselab_desktop.screening.documents.limits import Limits
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.sealing import Sealer, is_sealed

log = logging.getLogger(__name__)

# Bump when anything in documents/ changes what an analysis produces for the same input.
ANALYSIS_VERSION = 2  # 2: pay stubs carry their statutory withholding lines
_ENVELOPE = 1


@lru_cache(maxsize=1)
def _code_versions() -> tuple[str, ...]:
    from importlib.metadata import PackageNotFoundError, version

    from leaselab_desktop import __version__

    out = [str(ANALYSIS_VERSION), __version__]
    for dist in ("pypdf", "pillow"):
        try:
            out.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:  # frozen app without dist-info: the package version decides
            out.append(f"{dist}=?")
    # A changed parser or facts schema invalidates every entry even if nobody bumps the version
    # (the sources are absent in the frozen app, whose version changes with every release).
    code = hashlib.sha256(json.dumps(DocumentFacts.model_json_schema(), sort_keys=True).encode())
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        try:
            code.update(source.name.encode() + b"\0" + source.read_bytes())
        except OSError:
            continue
    out.append(code.hexdigest())
    return tuple(out)


def analysis_key(sha256: str, size: int, file_name: str, declared_type: str, limits: Limits) -> str:
    raw = json.dumps([*_code_versions(), sha256, size, file_name, declared_type, repr(limits)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AnalysisStore:
    """``DocumentFacts`` by analysis key, one small JSON file each under ``root``."""

    def __init__(self, root: Path, sealer: Sealer | None = None) -> None:
        self.root = Path(root)
        self.sealer = sealer  # entries hold extracted text: encrypted at rest when given

    def _path(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not an analysis key: {key!r}")
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str) -> DocumentFacts | None:
        """The stored facts, or None when absent or not trustworthy (then the entry is removed)."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("document analysis %s unreadable (%s); analysing again", path.name, exc)
            return None
        try:
            if is_sealed(raw):
                if self.sealer is None:
                    raise ValueError("encrypted, and no key")
                raw = self.sealer.open(raw, key)
            envelope = json.loads(raw.decode("utf-8"))
            facts_json = envelope["facts"]
            if (envelope.get("v") != _ENVELOPE or envelope.get("key") != key
                    or envelope.get("sha256") != _digest(facts_json)):
                raise ValueError("envelope does not match")
            return DocumentFacts.model_validate_json(facts_json)
        except Exception as exc:  # corrupt, truncated, tampered or from another schema
            log.warning("stored document analysis %s ignored (%s); analysing again", path.name, exc)
            path.unlink(missing_ok=True)
            return None

    def save(self, key: str, facts: DocumentFacts) -> None:
        """Write atomically (temporary file + rename). Failures are logged, never raised."""
        path = self._path(key)
        facts_json = facts.model_dump_json()
        body = json.dumps({"v": _ENVELOPE, "key": key, "sha256": _digest(facts_json), "facts": facts_json})
        data = body.encode("utf-8")
        if self.sealer is not None:
            data = self.sealer.seal(data, key)
        try:
            if self.sealer is None:
                (self.root / ALL_SEALED).unlink(missing_ok=True)  # a plaintext entry joins the store
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not store the analysis of a document (%s)", exc)

    def seal_existing(self) -> int:
        """Encrypt the entries written in plaintext before, in place; returns how many."""
        if self.sealer is None or not self.root.is_dir() or (self.root / ALL_SEALED).exists():
            return 0
        done = 0
        for path in sorted(self.root.glob("*/*.json")):
            with path.open("rb") as fh:
                if is_sealed(fh.read(16)):
                    continue
            raw = path.read_bytes()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(self.sealer.seal(raw, path.stem))
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            done += 1
        (self.root / ALL_SEALED).write_text("every analysis in this folder is encrypted\n", encoding="ascii")
        return done

    def delete(self, key: str) -> int:
        """Remove the entry (retention, deletion on request); 1 when there was one."""
        path = self._path(key)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        return int(existed)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()
