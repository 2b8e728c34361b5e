"""Every export is written through a temp file beside its target and renamed: a failed or killed
export never leaves half a file, and an existing file is replaced whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, suffix: str, save: Callable[[str], None]) -> Path:
    """``save(temp_path)`` then rename onto ``path`` (given ``suffix`` when it lacks it)."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: Path, suffix: str, data: bytes) -> Path:
    def save(tmp: str) -> None:
        Path(tmp).write_bytes(data)

    return write_atomically(path, suffix, save)
