"""Giving the C heap's free pages back to the system after a large image job.

glibc keeps freed memory in per-thread arenas: after OCR or the pixel checks of a 12 MP photo, a
process would sit on hundreds of MB it no longer uses. Elsewhere (macOS, Windows, musl) the
allocator returns it on its own and this does nothing.
"""

from __future__ import annotations

import functools
import sys
from typing import Any


def release_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc keeps them otherwise; elsewhere the
    allocator already does)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl has no malloc_trim: nothing to do
        return None
