"""The compliance report of one evaluation, as a PDF (reportlab; no Qt, safe in a worker thread).

It is the fair-screening record of a decision: who the applicant is, which criteria were applied and
how each scored (with the plain-language reason, the source document and the standard that would have
passed), the signals with their evidence, every manual override, the policy version, the provider
and model, and the statement that no protected characteristic was used.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, unescape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from leaselab_desktop.domain.models import Evaluation, Lead, Override
from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime, fmt_money
from leaselab_desktop.domain.wording import plain, provider_name, severity_name
from leaselab_desktop.reports.decision import adverse_items, final_decision, words
from leaselab_desktop.reports.files import write_bytes_atomically

NO_PROTECTED_CHARACTERISTICS = (
    "No protected characteristic was used in this evaluation. Protected characteristics and their "
    "proxies (such as race, colour, ancestry, place of origin, citizenship, ethnic origin, creed or "
    "religion, sex, sexual orientation, gender identity or expression, age, marital or family "
    "status, and disability) are never inputs to the screening policy; public assistance is only "
    "ever an amount of income, treated as the notes above say. The score was computed by the "
    "versioned policy from the facts listed in this report."
)
# The policy's own note saying the same thing: the statement above replaces it (printed once).
_SAME_AS_STATEMENT = "No protected characteristic"

_FONT = "LeaseLabVera"
_FONT_BOLD = "LeaseLabVeraBd"
# the locale's times carry a narrow no-break space ("3:30 PM"), which Vera lacks
_REPLACEMENTS = {"→": "->", "←": "<-", "✓": "yes", "✗": "no", "\u202f": "\u00a0"}
_FONT_LOCK = threading.Lock()  # reportlab's font registry is global; exports may run in parallel


def _register_fonts() -> None:
    """Bitstream Vera ships with reportlab: a Unicode TTF (≥, €, —) that is embedded in the PDF."""
    with _FONT_LOCK:
        if _FONT in pdfmetrics.getRegisteredFontNames():
            return
        pdfmetrics.registerFont(TTFont(_FONT_BOLD, "VeraBd.ttf"))
        pdfmetrics.registerFont(TTFont(_FONT, "Vera.ttf"))  # last: its presence means "all done"
        pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD, italic=_FONT,
                                      boldItalic=_FONT_BOLD)


def _text(value: object) -> str:
    """Escape for reportlab's Paragraph markup; replace glyphs the font lacks."""
    s = "" if value is None else str(value)
    for a, b in _REPLACEMENTS.items():
        s = s.replace(a, b)
    cmap = pdfmetrics.getFont(_FONT).face.charToGlyph  # type: ignore[attr-defined]
    s = "".join(ch if ord(ch) in cmap or ch in "\n\t" else "?" for ch in s)
    return escape(s)


# dates and money read as in the console: the one display format (domain/timefmt.py)
_money = fmt_money
_when = fmt_datetime
_human = words


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("t", parent=base["Title"], fontName=_FONT_BOLD, fontSize=18)
        self.h2 = ParagraphStyle("h2", parent=base["Heading2"], fontName=_FONT_BOLD, fontSize=13,
                                 spaceBefore=10, spaceAfter=4)
        self.body = ParagraphStyle("b", parent=base["BodyText"], fontName=_FONT, fontSize=9.5,
                                   leading=12.5)
        self.cell = ParagraphStyle("c", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cb", parent=self.cell, fontName=_FONT_BOLD)
        self.statement = ParagraphStyle("s", parent=self.body, fontName=_FONT_BOLD,
                                        borderColor=colors.HexColor("#1f6f43"), borderWidth=1,
                                        borderPadding=6, backColor=colors.HexColor("#eef7f1"),
                                        spaceBefore=8)


def _table(rows: list[list[str]], widths: Sequence[float], st: _Styles, header: bool = True) -> Table:
    data = [
        [Paragraph(_text(c), st.cell_bold if header and r == 0 else st.cell) for c in row]
        for r, row in enumerate(rows)
    ]
    t = Table(data, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3ad")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e8ee")))
    t.setStyle(TableStyle(style))
    return t


def _applicant(lead: Lead, st: _Styles) -> list[Flowable]:
    ratio = lead.rent_to_income
    place = " / ".join(p for p in (lead.property_name or lead.property_id, lead.unit_name or lead.unit_id) if p)
    rows = [
        ["Applicant", lead.full_name or "—"],
        ["Lead reference", lead.id],
        ["Contact", ", ".join(p for p in (lead.email, lead.phone or "") if p) or "—"],
        ["Property / unit", place or "—"],
        ["Monthly income", _money(lead.monthly_income)],
        ["Monthly rent", _money(lead.monthly_rent)],
        ["Rent-to-income", "—" if ratio is None else f"{ratio:.0%}"],
        ["Employment", ", ".join(p for p in (_human(lead.employment_status), lead.employer or "") if p)],
        ["Employed since", fmt_date(lead.employment_start_date)
         if lead.employment_start_date else "—"],
    ]
    return [Paragraph("Applicant", st.h2), _table(rows, [1.6 * inch, 5.2 * inch], st, header=False)]


def _decision(ev: Evaluation, st: _Styles) -> list[Flowable]:
    rows = [
        ["Evaluation reference", ev.evaluation_id],  # audit references: the record a regulator asks for
        ["Score / label", f"{ev.score} / 100 — label {ev.label}"],
        ["AI recommendation", words(ev.recommendation)],
        ["Evaluated at", _when(ev.evaluated_at)],
        ["Policy", ev.policy_line.removeprefix("Policy ") if ev.policy_version else "—"],
        ["Evaluated by", f"{provider_name(ev.provider)} (model {ev.model_version or '—'})"],
        ["Run reference", ev.workflow_instance_id or "—"],
        ["Document fingerprint", ev.document_fingerprint or "—"],
    ]
    out: list[Flowable] = [Paragraph("Evaluation", st.h2),
                           _table(rows, [1.6 * inch, 5.2 * inch], st, header=False)]
    if ev.summary:
        out += [Spacer(1, 4), Paragraph(_text(plain(ev.summary)), st.body)]
    return out


def _criteria(ev: Evaluation, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Criteria and factors", st.h2)]
    if not ev.factors:
        return [*out, Paragraph("The evaluation recorded no factor breakdown.", st.body)]
    rows = [["Criterion", "Points", "Reason", "Source", "Standard to pass"]]
    for f in ev.factors:
        rows.append([_human(f.code), f"{f.points:g} / {f.max_points:g}", plain(f.explanation) or "—",
                     plain(f.source) or "—", plain(f.standard) or "—"])
    total = sum(f.points for f in ev.factors)
    total_max = sum(f.max_points for f in ev.factors)
    rows.append(["Total", f"{total:g} / {total_max:g}", "", "", ""])
    widths = [1.3 * inch, 0.7 * inch, 2.3 * inch, 1.0 * inch, 1.5 * inch]
    return [*out, _table(rows, widths, st)]


def _signals(ev: Evaluation, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Signals and evidence", st.h2)]
    if ev.signals:
        rows = [["Signal", "Severity", "Document", "Evidence"]]
        for s in ev.signals:
            evidence = " — ".join(plain(x) for x in (s.message, s.evidence) if x)
            rows.append([_human(s.code), severity_name(s.severity), s.document or "application", evidence or "—"])
        out.append(_table(rows, [1.6 * inch, 0.8 * inch, 1.3 * inch, 3.1 * inch], st))
    else:
        out.append(Paragraph("No signals were raised.", st.body))
    flags = [("Risk flags", ev.risk_flags), ("Fraud signals", ev.fraud_signals)]
    for title, items in flags:
        text = ", ".join(_human(i) for i in items) if items else "none"
        out.append(Paragraph(f"<b>{title}:</b> {_text(text)}", st.body))
    if ev.what_would_change:
        out.append(Paragraph("What would change the outcome", st.h2))
        out += [Paragraph("• " + _text(plain(w)), st.body) for w in ev.what_would_change]
    return out


def _final(ev: Evaluation, overrides: Sequence[Override], st: _Styles) -> list[Flowable]:
    """Page 1: the decision that stands (an override, with who and why) and the profile."""
    fd = final_decision(ev, overrides)
    rows = [["Final decision", fd.decision + (" (manual override)" if fd.overridden else " (AI recommendation)")]]
    if fd.overridden:
        rows += [["Decided by", f"{fd.by or '—'} on {_when(fd.when)}"], ["Reason", fd.reason or "—"],
                 ["Replaced", f"AI recommendation: {fd.replaced} (score {ev.score} / 100, label {ev.label})"]]
    rows.append(["Scored under", ev.policy_line])
    return [Paragraph("Decision", st.h2), _table(rows, [1.6 * inch, 5.2 * inch], st, header=False)]


def _adverse(ev: Evaluation, st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Adverse action: what counted against the applicant", st.h2)]
    items = adverse_items(ev)
    if not items:
        return [*out, Paragraph("Nothing counted against the applicant.", st.body)]
    out.append(Paragraph("The applicant may dispute any item below. A person reviews every dispute and "
                         "can re-run the evaluation with new documents.", st.body))
    rows = [["What", "Reason", "Source", "How to dispute"]]
    rows += [[i.what, i.reason, i.source, i.dispute] for i in items]
    return [*out, _table(rows, [1.3 * inch, 2.0 * inch, 1.5 * inch, 2.0 * inch], st)]


def _overrides(overrides: Sequence[Override], st: _Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Manual overrides", st.h2)]
    if not overrides:
        return [*out, Paragraph("No manual override was recorded.", st.body)]
    rows = [["When", "Who", "Change", "Reason"]]
    for o in overrides:
        change = f"{_human(o.from_recommendation)} -> {_human(o.to_recommendation)}"
        rows.append([_when(o.created_at), o.user_id or "—", change, o.reason])
    return [*out, _table(rows, [1.3 * inch, 1.4 * inch, 1.7 * inch, 2.4 * inch], st)]


def _numbered_canvas(header: str) -> type[Canvas]:
    """A canvas that draws the running header and "Page N of M" on every page (two passes: the
    total is known only once every page is laid out)."""

    class _Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name: called at each page end
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(len(self._pages))
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = letter
            self.setFont(_FONT, 8)
            self.setFillColor(colors.HexColor("#55606b"))
            self.drawString(0.8 * inch, height - 0.45 * inch, header)
            self.drawRightString(width - 0.8 * inch, 0.4 * inch, f"Page {self._pageNumber} of {total}")

    return _Numbered


def build_compliance_report(
    lead: Lead,
    evaluation: Evaluation,
    overrides: Sequence[Override] = (),
    *,
    generated_at: datetime | None = None,
    generated_by: str | None = None,
) -> bytes:
    """Render the report and return the PDF bytes."""
    if evaluation.lead_id is not None and evaluation.lead_id != lead.id:
        raise ValueError(
            f"evaluation {evaluation.evaluation_id} belongs to lead {evaluation.lead_id}, not {lead.id}"
        )
    _register_fonts()
    st = _Styles()
    when = generated_at or datetime.now(UTC)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=letter, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.7 * inch, bottomMargin=0.7 * inch,
        title=f"Screening compliance report — {lead.full_name or lead.id}",
        author="LeaseLab Desktop", subject=f"Evaluation {evaluation.evaluation_id}",
    )
    story: list[Flowable] = [
        Paragraph("Tenant screening compliance report", st.title),
        Paragraph(_text(f"Generated {_when(when)}" + (f" by {generated_by}" if generated_by else "")),
                  st.body),
    ]
    story += _final(evaluation, overrides, st)
    story += _applicant(lead, st)
    story += _decision(evaluation, st)
    story += _criteria(evaluation, st)
    story += _signals(evaluation, st)
    story += _adverse(evaluation, st)
    story += _overrides(overrides, st)
    story.append(Paragraph("Compliance", st.h2))
    story += [Paragraph("• " + _text(n), st.body) for n in evaluation.compliance_notes
              if not n.startswith(_SAME_AS_STATEMENT)]
    story.append(Paragraph(_text(NO_PROTECTED_CHARACTERISTICS), st.statement))
    place = " / ".join(p for p in (lead.property_name or lead.property_id, lead.unit_name or lead.unit_id) if p)
    header = " · ".join(p for p in (lead.full_name or lead.id, place, fmt_date(when)) if p)
    doc.build(story, canvasmaker=_numbered_canvas(unescape(_text(header))))
    return buf.getvalue()


def write_compliance_report(
    path: Path,
    lead: Lead,
    evaluation: Evaluation,
    overrides: Sequence[Override] = (),
    *,
    generated_at: datetime | None = None,
    generated_by: str | None = None,
) -> Path:
    """Write the report atomically (temp file + replace): a failed export never leaves half a PDF."""
    data = build_compliance_report(lead, evaluation, overrides, generated_at=generated_at,
                                   generated_by=generated_by)
    return write_bytes_atomically(Path(path), ".pdf", data)
