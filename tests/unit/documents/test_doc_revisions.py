"""The startxref / /Prev chain on cross-reference tables, cross-reference streams and linearized
files, without relying on any PDF writer."""

from __future__ import annotations

from leaselab_desktop.screening.documents.revisions import (
    count_revisions,
    earlier_revision,
    xref_chain,
)


def _xref_stream_pdf(prev: int | None, body: bytes = b"") -> tuple[bytes, int]:
    head = b"%PDF-1.5\n" + body
    offset = len(head)
    prev_entry = b" /Prev %d" % prev if prev is not None else b""
    xref = b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 2 1]" + prev_entry + b" /Length 0 >>\nstream\n\nendstream\nendobj\n"
    return head + xref + b"startxref\n%d\n%%%%EOF\n" % offset, offset


def test_xref_stream_chain() -> None:
    first, first_at = _xref_stream_pdf(None)
    assert xref_chain(first) == [first_at] and count_revisions(first) == 1
    update_at = len(first)
    update = (b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 2 1] /Prev %d /Length 0 >>\nstream\n\nendstream\nendobj\n"
              % first_at)
    both = first + update + b"startxref\n%d\n%%%%EOF\n" % update_at
    assert xref_chain(both) == [update_at, first_at]
    assert count_revisions(both) == 2
    assert earlier_revision(both) == first


def test_linearized_file_counts_as_one_revision() -> None:
    head = b"%PDF-1.4\n1 0 obj\n<< /Linearized 1 /L 1000 >>\nendobj\n"
    first_at, main_at = len(head), 300
    first_page = head + (
        b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 3 /Prev %d >>\nstartxref\n0\n%%%%EOF\n"
        % main_at
    )
    data = first_page.ljust(main_at, b" ") + (
        b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 3 >>\nstartxref\n%d\n%%%%EOF\n" % first_at
    )
    assert xref_chain(data) == [first_at, main_at]
    assert count_revisions(data) == 1
    assert earlier_revision(data) is None
    assert count_revisions(data.replace(b"/Linearized 1", b"/Other      1")) == 2


def test_loops_and_garbage_do_not_hang() -> None:
    loop = b"%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev 9 >>\nstartxref\n9\n%%EOF\n"
    assert xref_chain(loop) == [9]
    assert count_revisions(b"no pdf at all") == 1
    assert earlier_revision(b"%PDF-1.4\nstartxref\n99999\n%%EOF") is None
    assert count_revisions(b"%PDF-1.4\nstartxref\n5\n%%EOF") == 1
