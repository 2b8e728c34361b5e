"""The applicant comparison as a PDF (reportlab, no Qt: safe in a worker thread), laid out like the
compliance report: the same fonts, a running header naming the unit and "Page N of M" on each page."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import unescape

from reportlab.lib.pagesizes import letter  # the running header is placed for letter pages
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from leaselab_desktop.domain.timefmt import fmt_date
from leaselab_desktop.reports.comparison import Comparison, Row
from leaselab_desktop.reports.compliance import (
    _numbered_canvas,
    _register_fonts,
    _Styles,
    _table,
    _text,
    _when,
)
from leaselab_desktop.reports.files import write_bytes_atomically

_WIDTH = 6.9 * inch  # letter minus the 0.8 in margins
_WHAT = 1.8 * inch
_SECTIONS = (("summary", "Decision and score"), ("factor", "Factors"), ("signal", "Document signals"))


def _grid(comparison: Comparison, rows: list[Row], st: _Styles) -> Flowable:
    per = (_WIDTH - _WHAT) / len(comparison.applicants)
    data = [["", *comparison.names]]
    data += [[r.title + (" *" if r.differs else ""), *r.cells] for r in rows]
    return _table(data, [_WHAT, *([per] * len(comparison.applicants))], st)


def _story(comparison: Comparison, when: datetime, by: str | None, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [
        Paragraph("Applicant comparison", st.title),
        Paragraph(_text(f"{comparison.unit} · {len(comparison.applicants)} applicants · generated "
                        f"{_when(when)}" + (f" by {by}" if by else "")), st.body),
        Spacer(1, 4),
        Paragraph("Rows marked * differ between the applicants; each difference is explained below the "
                  "table. The decision shown is the one that stands (a manual override wins).", st.body),
    ]
    for kind, title in _SECTIONS:
        rows = [r for r in comparison.rows if r.kind == kind]
        out.append(Paragraph(title, st.h2))
        if rows:
            out.append(_grid(comparison, rows, st))
        else:
            out.append(Paragraph("None was recorded for these applicants.", st.body))
    out.append(Paragraph("The differences, explained", st.h2))
    diffs = comparison.differences
    if not diffs:
        out.append(Paragraph("The applicants do not differ on anything the evaluations scored.", st.body))
    out += [Paragraph("• " + _text(f"{r.title}: {r.explanation}"), st.body) for r in diffs]
    out.append(Spacer(1, 6))
    out.append(Paragraph("The comparison only restates each applicant's own evaluation: no protected "
                         "characteristic was an input, and no applicant was scored against another.", st.body))
    return out


def build_comparison_pdf(
    comparison: Comparison, *, generated_at: datetime | None = None, generated_by: str | None = None,
) -> bytes:  # fmt: skip
    _register_fonts()
    st = _Styles()
    when = generated_at or datetime.now(UTC)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=letter, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.7 * inch, bottomMargin=0.7 * inch,
        title=f"Applicant comparison — {comparison.unit}", author="LeaseLab Desktop",
        subject=", ".join(comparison.names),
    )  # fmt: skip
    header = f"Applicant comparison · {comparison.unit} · {fmt_date(when)}"
    doc.build(_story(comparison, when, generated_by, st), canvasmaker=_numbered_canvas(unescape(_text(header))))
    return buf.getvalue()


def write_comparison_pdf(
    path: Path, comparison: Comparison, *, generated_at: datetime | None = None, generated_by: str | None = None,
) -> Path:  # fmt: skip
    """Write atomically (temp file + replace): a failed export never leaves half a PDF."""
    data = build_comparison_pdf(comparison, generated_at=generated_at, generated_by=generated_by)
    return write_bytes_atomically(Path(path), ".pdf", data)


def default_name(comparison: Comparison, when: datetime | None = None) -> str:
    """'compare-square-one-towers-1708-20261202.pdf'."""
    safe = "".join(c if c.isalnum() else "-" for c in comparison.unit.lower())
    safe = "-".join(p for p in safe.split("-") if p) or "unit"
    return f"compare-{safe}-{(when or datetime.now(UTC)).strftime('%Y%m%d')}.pdf"
