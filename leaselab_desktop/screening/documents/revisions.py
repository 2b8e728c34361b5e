"""PDF incremental updates: walk the ``startxref`` / ``/Prev`` chain and recover earlier revisions.

An incremental update appends changed objects, a new cross-reference section whose trailer points
(``/Prev``) at the previous one, a new ``startxref`` and ``%%EOF``. The bytes up to the earlier
``%%EOF`` are therefore the earlier revision, complete and readable on their own.
"""

from __future__ import annotations

import re

_STARTXREF_RE = re.compile(rb"startxref\s+(\d+)")
_PREV_RE = re.compile(rb"/Prev\s+(\d+)")
_OBJ_RE = re.compile(rb"\s*\d+\s+\d+\s+obj\b")


def last_startxref(data: bytes) -> int | None:
    pos = data.rfind(b"startxref", max(0, len(data) - 4096))
    if pos < 0:
        pos = data.rfind(b"startxref")
    if pos < 0:
        return None
    m = _STARTXREF_RE.match(data, pos)
    return int(m.group(1)) if m else None


def _prev_of(data: bytes, offset: int) -> int | None:
    """The /Prev of the cross-reference section at ``offset`` (table or stream), if any."""
    if offset < 0 or offset >= len(data):
        return None
    window = data[offset: offset + 65536]
    if window.lstrip().startswith(b"xref"):
        t = window.find(b"trailer")
        if t < 0:
            return None
        end = window.find(b"startxref", t)
        trailer = window[t: end if end > 0 else t + 4096]
    elif _OBJ_RE.match(window):
        end = window.find(b"stream")
        trailer = window[: end if end > 0 else 4096]
    else:
        return None
    m = _PREV_RE.search(trailer)
    return int(m.group(1)) if m else None


def is_linearized(data: bytes) -> bool:
    return b"/Linearized" in data[:2048]


def xref_chain(data: bytes, limit: int = 64) -> list[int]:
    """Offsets of the cross-reference sections, newest first (empty when none can be found)."""
    start = last_startxref(data)
    chain: list[int] = []
    seen: set[int] = set()
    offset = start
    while offset is not None and offset not in seen and len(chain) < limit:
        if offset <= 0 and chain:
            break
        seen.add(offset)
        chain.append(offset)
        offset = _prev_of(data, offset)
    return chain


def count_revisions(data: bytes, limit: int = 64) -> int:
    chain = xref_chain(data, limit)
    n = len(chain) - (1 if is_linearized(data) and len(chain) > 1 else 0)
    return max(n, 1)


def earlier_revision(data: bytes, limit: int = 64) -> bytes | None:
    """The bytes of the revision before the last one, or None when there is none."""
    chain = xref_chain(data, limit)
    if len(chain) < 2:
        return None
    wanted = set(chain[1:])
    last_eof = data.rfind(b"%%EOF")
    for m in re.finditer(rb"%%EOF", data):
        if m.start() >= last_eof:
            break
        end = m.end()
        while end < len(data) and data[end: end + 1] in (b"\r", b"\n"):
            end += 1
        candidate = data[:end]
        sx = last_startxref(candidate)
        if sx is not None and sx > 0 and sx in wanted:
            # the newest earlier revision: keep looking for a later matching %%EOF
            best = candidate
            for later in re.finditer(rb"%%EOF", data[end:last_eof]):
                cand2_end = end + later.end()
                sx2 = last_startxref(data[:cand2_end])
                if sx2 is not None and sx2 in wanted:
                    best = data[:cand2_end]
            return best
    return None


def first_revision(data: bytes, limit: int = 64) -> bytes | None:
    """The document as first produced (before every incremental update), or None. For a
    linearized file the first %%EOF ends only its first-page section: the revision before the
    last one is the best original then."""
    chain = xref_chain(data, limit)
    if len(chain) < 2:
        return None
    if is_linearized(data):
        return earlier_revision(data, limit)
    wanted = set(chain[1:])
    last_eof = data.rfind(b"%%EOF")
    for m in re.finditer(rb"%%EOF", data[:last_eof]):
        end = m.end()
        while end < len(data) and data[end: end + 1] in (b"\r", b"\n"):
            end += 1
        sx = last_startxref(data[:end])
        if sx is not None and sx > 0 and sx in wanted:
            return data[:end]
    return None
