"""Generate the independent document corpus and its ground truth (tests/corpus/expected.json).

    /path/to/generator-venv/bin/python tests/corpus/generate.py [--out tests/corpus]

Needs the generator-only tools in tests/corpus/requirements.txt plus LibreOffice (see README.md);
the app and its tests need none of them because the output is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
# fontTools (WeasyPrint's font subsetter) and other reproducible-build-aware tools stamp this time
# instead of now: 2026-01-05 09:00 UTC
os.environ["SOURCE_DATE_EPOCH"] = "1767603600"
os.environ["QT_HASH_SEED"] = "0"  # Qt writes fonts in QHash order: a fixed seed fixes the object order

from corpus_gen import raster
from corpus_gen.data import (
    EMPLOYERS,
    PEOPLE,
    PERIODS_PER_YEAR,
    Employer,
    Person,
    Statement,
    Stub,
    break_running_balance,
    broken_arithmetic,
    d,
    make_statement,
    make_stub,
    money,
    pay_dates,
    shift_page_two,
    ytd_jump,
)
from corpus_gen.forge import inplace_edit, overlay_edit
from corpus_gen.idcards import DESIGNS, Card, draw_card
from corpus_gen.layouts import BANK_LAYOUTS, STUB_LAYOUTS, letter_en, letter_fr, letter_us_table
from corpus_gen.render import RENDERERS, Doc

SCHEMA_VERSION = 1

# layout -> (tool, employer key, frequency, annual salary or None, hourly rate or None, lang, people A, B, C)
STUB_PLAN: list[tuple[str, str, str, str, int | None, str | None, str, tuple[int, int, int]]] = [
    ("stub_ca_grid", "reportlab", "ON", "biweekly", 68500, None, "en", (0, 8, 3)),
    ("stub_us_keyvalue", "reportlab", "CA", "weekly", None, "31.50", "en", (4, 9, 2)),
    ("stub_ca_docx", "docx_libreoffice", "BC", "semimonthly", 74200, None, "en", (6, 0, 3)),
    ("stub_us_xlsx", "xlsx_libreoffice", "NY", "monthly", 83400, None, "en", (7, 2, 11)),
    ("stub_qc_fr", "qt_qtextdocument", "QC", "biweekly", None, "24.75", "fr", (1, 5, 10)),
    ("stub_us_html", "html_weasyprint", "IL", "biweekly", 91000, None, "en", (2, 11, 7)),
    ("stub_ca_qt_weekly", "qt_qtextdocument", "AB", "weekly", None, "38.40", "en", (3, 6, 8)),
    ("stub_qc_fr_docx", "docx_libreoffice", "QC2", "semimonthly", 78900, None, "fr", (10, 1, 5)),
]
PAY_INDEX = {"weekly": 11, "biweekly": 6, "semimonthly": 5, "monthly": 3}  # the pay of mid/late March 2026
STYLE = {"stub_qc_fr": "fr", "stub_qc_fr_docx": "fr", "bank_qc_fr": "fr"}

# layout -> (tool, bank, payroll employer key, frequency, annual, US?, lang, people A, B, C)
BANK_PLAN: list[tuple[str, str, str, str, str, int, bool, str, tuple[int, int, int]]] = [
    ("bank_ca_5col", "reportlab", "Maple Trust Bank", "ON", "biweekly", 68500, False, "en", (0, 8, 3)),
    ("bank_us_signed", "xlsx_libreoffice", "Summit National Bank", "IL", "biweekly", 91000, True, "en", (2, 11, 7)),
    ("bank_ca_crdr", "qt_qtextdocument", "Bow Valley Credit Union", "AB", "weekly", 79800, False, "en", (3, 6, 0)),
    (
        "bank_us_paren",
        "html_weasyprint",
        "Cascade Federal Credit Union",
        "WA",
        "semimonthly",
        70400,
        True,
        "en",
        (9, 4, 2),
    ),
    (
        "bank_qc_fr",
        "docx_libreoffice",
        "Caisse populaire du Fleuve",
        "QC2",
        "semimonthly",
        78900,
        False,
        "fr",
        (10, 1, 5),
    ),
]

# layout -> (tool, builder, employer key, title, start date, salary, people A, B, C)
LETTER_PLAN: list[tuple[str, str, Callable[..., Doc], str, str, date, int, tuple[int, int, int]]] = [
    ("letter_en_docx", "docx_libreoffice", letter_en, "ON", "Senior Dispatcher", date(2021, 6, 1), 68500, (0, 8, 3)),
    (
        "letter_fr_qt",
        "qt_qtextdocument",
        letter_fr,
        "QC2",
        "analyste en informatique",
        date(2019, 9, 3),
        78900,
        (10, 1, 5),
    ),
    (
        "letter_us_html",
        "html_weasyprint",
        letter_us_table,
        "IL",
        "Clinical Data Analyst",
        date(2022, 2, 14),
        91000,
        (2, 11, 7),
    ),
]

SIGNALS = {  # forgery kind -> codes in leaselab_desktop/screening/signals that should catch it
    "edited_amount": ["incremental_revision"],
    "broken_arithmetic": ["paystub_arithmetic"],
    "ytd_jump": ["ytd_discontinuity"],
    "name_swap": ["name_mismatch"],
    "broken_running_balance": ["bank_balance_mismatch"],
    "page2_discontinuity": ["bank_balance_mismatch"],
    "pasted_patch": [],  # no code yet: image forensics (issue 10 item 5) will map one
}


class Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: list[dict[str, Any]] = []

    def add(self, rel: str, data: bytes, **meta: Any) -> str:
        path = self.root / "files" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entry = {"path": f"files/{rel}", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), **meta}
        entry.setdefault("companions", [])
        entry["expected_signals"] = SIGNALS[meta["forgery"]] if meta.get("forgery") else []
        self.entries.append(entry)
        print(f"  {rel:<58} {len(data) / 1024:8.1f} KiB", flush=True)
        return entry["path"]


def edit_time(day: date, days_after: int) -> str:
    """The forger's save time: some days after the document was issued, an evening, local time."""
    return (day + timedelta(days=days_after)).strftime("D:%Y%m%d213507-04'00'")


def lead_of(p: Person, employer: str, monthly: Decimal) -> dict[str, Any]:
    return {"first_name": p.first, "last_name": p.last, "employer": employer, "monthly_income": float(monthly)}


def stub_facts(s: Stub) -> dict[str, Any]:
    return {
        "gross": float(s.gross),
        "net": float(s.net),
        "deductions": float(s.total_deductions),
        "ytd_gross": float(s.ytd_gross),
        "pay_date": s.pay_date.isoformat(),
        "period_start": s.period_start.isoformat(),
        "period_end": s.period_end.isoformat(),
        "pay_frequency": s.frequency,
        "employer": s.employer.name,
        "name": s.employee.name,
    }


def monthly_of(s: Stub) -> Decimal:
    return d(s.gross * PERIODS_PER_YEAR[s.frequency] / 12)


def same_length_bump(*values: Decimal) -> Decimal:
    """An amount that changes a leading digit of every value without changing how long it prints."""
    k = min(len(str(int(v))) for v in values)
    for step in (Decimal(10) ** (k - 1), Decimal(10) ** max(k - 2, 0)):
        if all(len(f"{v + step:,.2f}") == len(f"{v:,.2f}") for v in values):
            return step
    raise ValueError(f"no same-length bump for {values}")


def inflate(s: Stub, x: Decimal) -> Stub:
    earn = list(s.earnings)
    earn[0] = replace(earn[0], current=earn[0].current + x)
    return replace(s, earnings=tuple(earn), gross=s.gross + x, net=s.net + x)


def rasterise(
    c: Corpus,
    rel: str,
    kind: str,
    pdf: bytes,
    seed: int,
    *,
    patch_pdf: bytes | None = None,
    needles: list[str] | None = None,
    camera: str = "iphone",
    orientation: int = 1,
    all_pages: bool = False,
    **meta: Any,
) -> None:
    """One scanned/photographed version of a PDF. kind: scan | photo | heic | screenshot | image_pdf."""
    import pypdfium2 as pdfium

    n = len(pdfium.PdfDocument(pdf)) if all_pages or kind == "image_pdf" else 1
    pages = [raster.render(pdf, i, 150) for i in range(n)]
    patches = [raster.render(patch_pdf, i, 150) for i in range(n)] if patch_pdf else [None] * n
    boxes = [raster.pixel_boxes(pdf, needles or [], pages[i], 150, i) if patch_pdf else [] for i in range(n)]
    if patch_pdf and not any(boxes):
        raise ValueError(f"{rel}: nothing to patch")
    source_tool = meta.pop("tool")
    meta = {**meta, "medium": "scanned", "source_tool": source_tool}
    if kind in ("scan", "image_pdf"):
        jpegs = [raster.scan(pages[i], seed + i, patch=patches[i], patch_boxes=boxes[i]) for i in range(n)]
        if kind == "scan":
            c.add(rel + ".jpg", jpegs[0], tool="raster_scan", format="jpeg", **meta)
        else:
            c.add(rel + ".pdf", raster.image_pdf(jpegs), tool="raster_image_pdf", format="pdf", **meta)
    elif kind in ("photo", "heic"):
        img, exif = raster.photo(
            pages[0],
            seed,
            camera=camera,
            patch=patches[0],
            patch_boxes=boxes[0],
            long_edge=2000,
            orientation=orientation,
        )
        if kind == "photo":
            c.add(rel + ".jpg", raster.jpeg(img, 84, exif), tool="raster_photo", format="jpeg", **meta)
        else:
            c.add(rel + ".heic", raster.heic(img, exif), tool="raster_heic", format="heic", **meta)
    else:
        c.add(rel + ".png", raster.screenshot(pages[0], seed), tool="raster_screenshot", format="png", **meta)


def pay_stubs(c: Corpus) -> None:
    for li, (layout, tool, ekey, freq, annual, hourly, lang, (a, b, cc)) in enumerate(STUB_PLAN):
        emp = EMPLOYERS[ekey]
        render = lambda s, L=layout, T=tool: RENDERERS[T](STUB_LAYOUTS[L](s))  # noqa: E731
        kw = {
            "annual": Decimal(annual) if annual else None,
            "hourly": Decimal(hourly) if hourly else None,
            "lang": lang,
        }
        idx = PAY_INDEX[freq]
        pa, pb, pc = PEOPLE[a], PEOPLE[b], PEOPLE[cc]
        sa = make_stub(pa, emp, freq, idx, seed=100 + li, **kw)
        sprev = make_stub(pa, emp, freq, idx - 1, seed=100 + li, **kw)
        sb = make_stub(pb, emp, freq, idx, seed=200 + li, **kw)
        sc = make_stub(pc, emp, freq, idx, seed=300 + li, **kw)
        base = {"family": "paystub", "layout": layout, "tool": tool, "declared_type": "paystub"}
        dig = {**base, "medium": "digital", "format": "pdf"}
        pdf_a = render(sa)
        pa_path = c.add(
            f"paystubs/{layout}_clean_a.pdf",
            pdf_a,
            **dig,
            facts=stub_facts(sa),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, monthly_of(sa)),
        )
        prev_path = c.add(
            f"paystubs/{layout}_clean_prev.pdf",
            render(sprev),
            **dig,
            facts=stub_facts(sprev),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, monthly_of(sprev)),
        )
        c.add(
            f"paystubs/{layout}_clean_b.pdf",
            pdf_b := render(sb),
            **dig,
            facts=stub_facts(sb),
            clean=True,
            forgery=None,
            lead=lead_of(pb, emp.name, monthly_of(sb)),
        )
        # edited amount: gross and net raised by the same sum over the original (arithmetic still holds)
        style = STYLE.get(layout, "en")
        x = d(round(float(sa.gross) * 0.35 / 50) * 50)
        edited = inflate(sa, x)
        edit = inplace_edit if tool == "reportlab" else overlay_edit
        pdf_e = edit(
            pdf_a,
            [(money(sa.gross, style), money(edited.gross, style)), (money(sa.net, style), money(edited.net, style))],
            mod_date=edit_time(sa.pay_date, 2),
        )
        c.add(
            f"paystubs/{layout}_forged_edited_amount.pdf",
            pdf_e,
            **dig,
            facts={**stub_facts(edited), "ytd_gross": float(sa.ytd_gross)},
            original_facts=stub_facts(sa),
            clean=False,
            forgery="edited_amount",
            original_revision=pa_path,
            edit_method="in_place" if tool == "reportlab" else "overlay",
            lead=lead_of(pa, emp.name, monthly_of(edited)),
        )
        bad = broken_arithmetic(sa, Decimal("312.40"))
        c.add(
            f"paystubs/{layout}_forged_broken_arithmetic.pdf",
            render(bad),
            **dig,
            facts=stub_facts(bad),
            clean=False,
            forgery="broken_arithmetic",
            lead=lead_of(pa, emp.name, monthly_of(bad)),
        )
        jump = ytd_jump(sa, Decimal("4875.00"))
        c.add(
            f"paystubs/{layout}_forged_ytd_jump.pdf",
            render(jump),
            **dig,
            facts=stub_facts(jump),
            clean=False,
            forgery="ytd_jump",
            companions=[prev_path],
            lead=lead_of(pa, emp.name, monthly_of(jump)),
        )
        c.add(
            f"paystubs/{layout}_forged_name_swap.pdf",
            render(sc),
            **dig,
            facts=stub_facts(sc),
            clean=False,
            forgery="name_swap",
            lead=lead_of(pa, emp.name, monthly_of(sc)),
            note=f"{pc.name}'s pay stub submitted by {pa.name}",
        )
        # scans and photos
        clean_kind = ["scan", "image_pdf", "screenshot", "scan", "image_pdf", "scan", "screenshot", "scan"][li]
        photo_kind = "heic" if li % 3 == 0 else "photo"
        camera = ["iphone", "pixel", "samsung"][li % 3]
        rasterise(
            c,
            f"scans/{layout}_clean_a_{clean_kind}",
            clean_kind,
            pdf_a,
            1000 + li,
            **base,
            facts=stub_facts(sa),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, monthly_of(sa)),
        )
        rasterise(
            c,
            f"scans/{layout}_clean_b_{photo_kind}",
            photo_kind,
            pdf_b,
            1100 + li,
            camera=camera,
            orientation={1: 6, 3: 8}.get(li, 1),  # two held sideways: pixels rotated, EXIF says how
            **base,
            facts=stub_facts(sb),
            clean=True,
            forgery=None,
            lead=lead_of(pb, emp.name, monthly_of(sb)),
        )
        step = same_length_bump(sa.gross, sa.net)
        up = inflate(sa, step)
        patch_kind = "scan" if li % 2 == 0 else "photo"
        rasterise(
            c,
            f"scans/{layout}_forged_pasted_patch_{patch_kind}",
            patch_kind,
            pdf_a,
            1200 + li,
            patch_pdf=render(up),
            needles=[money(sa.gross, style), money(sa.net, style)],
            camera=camera,
            **base,
            facts={**stub_facts(up), "ytd_gross": float(sa.ytd_gross)},
            original_facts=stub_facts(sa),
            clean=False,
            forgery="pasted_patch",
            lead=lead_of(pa, emp.name, monthly_of(up)),
        )


def statement_facts(st: Statement) -> dict[str, Any]:
    return {
        "closing_balance": float(st.closing),
        "opening_balance": float(st.opening),
        "period_start": st.start.isoformat(),
        "period_end": st.end.isoformat(),
        "name": st.holder.name,
        "transactions": len(st.txns),
    }


def statements(c: Corpus) -> None:
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    for li, (layout, tool, bank, ekey, freq, annual, us, lang, (a, b, cc)) in enumerate(BANK_PLAN):
        emp: Employer = EMPLOYERS[ekey]
        render = lambda st, L=layout, T=tool: RENDERERS[T](BANK_LAYOUTS[L](st))  # noqa: E731
        days = [
            x
            for x in pay_dates(freq, 2026, date(2026, 1, 2) if freq == "weekly" else date(2026, 1, 9))
            if start <= x <= end
        ]

        def make(
            p: Person,
            seed: int,
            li: int = li,
            emp: Employer = emp,
            days: list[date] = days,
            freq: str = freq,
            annual: int = annual,
            us: bool = us,
            lang: str = lang,
            bank: str = bank,
        ) -> Statement:
            net = make_stub(p, emp, freq, 5, seed=seed, annual=Decimal(annual)).net
            return make_statement(
                p,
                bank,
                f"{seed % 97:02d}-{31000 + seed * 37 % 9000}-{seed * 7919 % 1000:03d}",
                start,
                end,
                seed=seed,
                payroll=emp.name,
                pay=net,
                pay_days=days,
                rent=Decimal(1650 + 50 * li),
                opening=d(900 + seed * 13.37 % 2500),
                n_spend=40,
                us=us,
                lang=lang,
                page_break_after=24,
            )

        pa, pb, pc = PEOPLE[a], PEOPLE[b], PEOPLE[cc]
        monthly = d(Decimal(annual) / 12)
        sa, sb, sc = make(pa, 500 + li), make(pb, 600 + li), make(pc, 700 + li)
        base = {"family": "bank_statement", "layout": layout, "tool": tool, "declared_type": "bank_statement"}
        dig = {**base, "medium": "digital", "format": "pdf"}
        pdf_a = render(sa)
        pa_path = c.add(
            f"bank/{layout}_clean_a.pdf",
            pdf_a,
            **dig,
            facts=statement_facts(sa),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, monthly),
        )
        c.add(
            f"bank/{layout}_clean_b.pdf",
            pdf_b := render(sb),
            **dig,
            facts=statement_facts(sb),
            clean=True,
            forgery=None,
            lead=lead_of(pb, emp.name, monthly),
        )
        style = "crdr" if layout == "bank_ca_crdr" else STYLE.get(layout, "en")
        style = "en" if style in ("crdr", "paren") else style  # the digits are the same; search them only
        x = Decimal("6000.00")
        edit = inplace_edit if tool == "reportlab" else overlay_edit
        pdf_e = edit(pdf_a, [(money(sa.closing, style), money(sa.closing + x, style))], mod_date=edit_time(sa.end, 4))
        c.add(
            f"bank/{layout}_forged_edited_amount.pdf",
            pdf_e,
            **dig,
            facts={**statement_facts(sa), "closing_balance": float(sa.closing + x)},
            original_facts=statement_facts(sa),
            clean=False,
            forgery="edited_amount",
            original_revision=pa_path,
            edit_method="in_place" if tool == "reportlab" else "overlay",
            lead=lead_of(pa, emp.name, monthly),
        )
        broken = break_running_balance(sa, 7, Decimal("-250.00"))
        c.add(
            f"bank/{layout}_forged_broken_running_balance.pdf",
            render(broken),
            **dig,
            facts=statement_facts(broken),
            clean=False,
            forgery="broken_running_balance",
            lead=lead_of(pa, emp.name, monthly),
        )
        shifted = shift_page_two(sa, Decimal("1250.00"))
        c.add(
            f"bank/{layout}_forged_page2_discontinuity.pdf",
            render(shifted),
            **dig,
            facts=statement_facts(shifted),
            clean=False,
            forgery="page2_discontinuity",
            lead=lead_of(pa, emp.name, monthly),
        )
        c.add(
            f"bank/{layout}_forged_name_swap.pdf",
            render(sc),
            **dig,
            facts=statement_facts(sc),
            clean=False,
            forgery="name_swap",
            lead=lead_of(pa, emp.name, monthly),
            note=f"{pc.name}'s statement submitted by {pa.name}",
        )
        rasterise(
            c,
            f"scans/{layout}_clean_a_image_pdf",
            "image_pdf",
            pdf_a,
            2000 + li,
            **base,
            facts=statement_facts(sa),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, monthly),
        )
        step = same_length_bump(sa.closing)
        up = replace(
            sa,
            closing=sa.closing + step,
            txns=(*sa.txns[:-1], replace(sa.txns[-1], balance=sa.txns[-1].balance + step)),
        )
        rasterise(
            c,
            f"scans/{layout}_forged_pasted_patch_image_pdf",
            "image_pdf",
            pdf_a,
            2100 + li,
            patch_pdf=render(up),
            needles=[money(sa.closing, style)],
            **base,
            facts={**statement_facts(up)},
            original_facts=statement_facts(sa),
            clean=False,
            forgery="pasted_patch",
            lead=lead_of(pa, emp.name, monthly),
        )
        # a phone photo of page 1 only: what is visible there is what can be read
        visible = {"period_start", "period_end", "name", "opening_balance"}
        if layout in ("bank_us_signed", "bank_us_paren"):  # their summary on page 1 shows the ending balance
            visible.add("closing_balance")
        kind = "heic" if li % 2 else "photo"
        rasterise(
            c,
            f"scans/{layout}_clean_b_page1_{kind}",
            kind,
            pdf_b,
            2200 + li,
            camera=["iphone", "pixel", "samsung"][li % 3],
            orientation=6 if li in (0, 3) else 1,
            **base,
            facts={k: v for k, v in statement_facts(sb).items() if k in visible},
            clean=True,
            forgery=None,
            lead=lead_of(pb, emp.name, monthly),
            note="page 1 of 2 only",
        )


def letters(c: Corpus) -> None:
    signed = date(2026, 3, 18)
    for li, (layout, tool, build, ekey, title, started, salary, (a, b, cc)) in enumerate(LETTER_PLAN):
        emp = EMPLOYERS[ekey]
        style = "fr" if layout == "letter_fr_qt" else "en"

        def render(
            p: Person,
            sal: Decimal,
            build: Callable[..., Doc] = build,
            tool: str = tool,
            emp: Employer = emp,
            title: str = title,
            started: date = started,
        ) -> bytes:
            return RENDERERS[tool](build(emp, p, title, started, sal, signed))

        def facts(p: Person, sal: Decimal, emp: Employer = emp, started: date = started) -> dict[str, Any]:
            return {
                "employer": emp.name,
                "name": p.name,
                "annual_salary": float(sal),
                "start_date": started.isoformat(),
            }

        base = {"family": "employment_letter", "layout": layout, "tool": tool, "declared_type": "employment_letter"}
        dig = {**base, "medium": "digital", "format": "pdf"}
        pa, pb, pc = PEOPLE[a], PEOPLE[b], PEOPLE[cc]
        sal_a, sal_b = Decimal(salary), Decimal(salary + 6300)
        pdf_a = render(pa, sal_a)
        pa_path = c.add(
            f"letters/{layout}_clean_a.pdf",
            pdf_a,
            **dig,
            facts=facts(pa, sal_a),
            clean=True,
            forgery=None,
            lead=lead_of(pa, emp.name, d(sal_a / 12)),
        )
        c.add(
            f"letters/{layout}_clean_b.pdf",
            render(pb, sal_b),
            **dig,
            facts=facts(pb, sal_b),
            clean=True,
            forgery=None,
            lead=lead_of(pb, emp.name, d(sal_b / 12)),
        )
        sal_e = sal_a + 24000
        pdf_e = overlay_edit(pdf_a, [(money(sal_a, style), money(sal_e, style))], mod_date=edit_time(signed, 6))
        c.add(
            f"letters/{layout}_forged_edited_amount.pdf",
            pdf_e,
            **dig,
            facts=facts(pa, sal_e),
            original_facts=facts(pa, sal_a),
            clean=False,
            forgery="edited_amount",
            original_revision=pa_path,
            edit_method="overlay",
            lead=lead_of(pa, emp.name, d(sal_e / 12)),
        )
        c.add(
            f"letters/{layout}_forged_name_swap.pdf",
            render(pc, sal_a),
            **dig,
            facts=facts(pc, sal_a),
            clean=False,
            forgery="name_swap",
            lead=lead_of(pa, emp.name, d(sal_a / 12)),
            note=f"{pc.name}'s letter submitted by {pa.name}",
        )
        kind = ["photo", "screenshot", "scan"][li]
        if li < 2:
            rasterise(
                c,
                f"scans/{layout}_clean_a_{kind}",
                kind,
                pdf_a,
                3000 + li,
                camera="pixel",
                **base,
                facts=facts(pa, sal_a),
                clean=True,
                forgery=None,
                lead=lead_of(pa, emp.name, d(sal_a / 12)),
            )
        else:
            step = same_length_bump(sal_a)
            rasterise(
                c,
                f"scans/{layout}_forged_pasted_patch_scan",
                "scan",
                pdf_a,
                3100 + li,
                patch_pdf=render(pa, sal_a + step),
                needles=[money(sal_a, style)],
                **base,
                facts=facts(pa, sal_a + step),
                original_facts=facts(pa, sal_a),
                clean=False,
                forgery="pasted_patch",
                lead=lead_of(pa, emp.name, d((sal_a + step) / 12)),
            )


def id_cards(c: Corpus) -> None:
    people = [(0, 8, 3), (1, 5, 10), (2, 11, 7), (9, 4, 6)]
    for li, design in enumerate(DESIGNS):
        a, b, cc = people[li]
        pa, pb, pc = PEOPLE[a], PEOPLE[b], PEOPLE[cc]

        def card(p: Person, n: int, design: str = design) -> Card:
            return Card(
                design,
                p,
                f"{p.last[0]}{4000 + n * 911 % 5000:04d}-{n * 37 % 100000:05d}-{n % 90 + 10}",
                date(1985 + n % 12, 1 + n % 12, 1 + n % 27),
                date(2029, 1 + n % 12, 1 + n % 27),
            )

        def facts(cd: Card) -> dict[str, Any]:
            return {
                "name": cd.person.name,
                "id_number": cd.number,
                "date_of_birth": cd.born.isoformat(),
                "expiry": cd.expires.isoformat(),
            }

        def lead(p: Person) -> dict[str, Any]:
            return {"first_name": p.first, "last_name": p.last, "employer": None, "monthly_income": None}

        base = {
            "family": "government_id",
            "layout": design,
            "source_tool": "pillow_draw",
            "medium": "scanned",
            "declared_type": "government_id",
        }
        ca, cb, cc_ = card(pa, 11 + li), card(pb, 21 + li), card(pc, 31 + li)
        img_a, _ = draw_card(ca)
        img, exif = raster.photo(img_a, 4000 + li, camera="iphone", long_edge=1400)
        c.add(
            f"ids/{design}_clean_a_photo.jpg",
            raster.jpeg(img, 86, exif),
            **base,
            tool="raster_photo",
            format="jpeg",
            facts=facts(ca),
            clean=True,
            forgery=None,
            lead=lead(pa),
        )
        img_b, _ = draw_card(cb)
        if li % 2 == 0:
            img, exif = raster.photo(img_b, 4100 + li, camera="iphone", long_edge=1400)
            c.add(
                f"ids/{design}_clean_b.heic",
                raster.heic(img, exif),
                **base,
                tool="raster_heic",
                format="heic",
                facts=facts(cb),
                clean=True,
                forgery=None,
                lead=lead(pb),
            )
        else:
            c.add(
                f"ids/{design}_clean_b_screenshot.png",
                raster.screenshot(img_b, 4100 + li),
                **base,
                tool="raster_screenshot",
                format="png",
                facts=facts(cb),
                clean=True,
                forgery=None,
                lead=lead(pb),
            )
        img_c, _ = draw_card(cc_)
        img, exif = raster.photo(img_c, 4200 + li, camera="samsung", long_edge=1400)
        c.add(
            f"ids/{design}_forged_name_swap_photo.jpg",
            raster.jpeg(img, 86, exif),
            **base,
            tool="raster_photo",
            format="jpeg",
            facts=facts(cc_),
            clean=False,
            forgery="name_swap",
            lead=lead(pa),
            note=f"{pc.name}'s card submitted by {pa.name}",
        )
        # pasted patch: A's card with C's name typed in another font and pasted over the name
        p = pc
        fake_name = (
            f"{p.last.upper()}, {p.first.upper()}"
            if design != "id_ca_pr_card"
            else f"{p.last.upper()} {p.first.upper()}"
        )
        _, box = draw_card(ca)
        forged, _ = draw_card(ca, name_override=fake_name, name_font="DejaVuSerif-Bold.ttf")
        box = (box[0], box[1], max(box[2], box[0] + 640), box[3])
        scan_bytes = raster.scan(img_a, 4300 + li, patch=forged, patch_boxes=[box], quality=80)
        c.add(
            f"ids/{design}_forged_pasted_patch_scan.jpg",
            scan_bytes,
            **base,
            tool="raster_scan",
            format="jpeg",
            facts={**facts(ca), "name": pc.name},
            original_facts=facts(ca),
            clean=False,
            forgery="pasted_patch",
            lead=lead(pc),
            note=f"{pa.name}'s card with {pc.name}'s name pasted over",
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--only", choices=["paystubs", "bank", "letters", "ids"], default=None)
    args = ap.parse_args()
    c = Corpus(args.out)
    for name, fn in [("paystubs", pay_stubs), ("bank", statements), ("letters", letters), ("ids", id_cards)]:
        if args.only in (None, name):
            print(f"== {name}", flush=True)
            fn(c)
    if args.only is None:
        total = sum(e["size"] for e in c.entries)
        doc = {
            "schema": SCHEMA_VERSION,
            "generated_by": "tests/corpus/generate.py",
            "files": len(c.entries),
            "total_bytes": total,
            "entries": sorted(c.entries, key=lambda e: e["path"]),
        }
        (args.out / "expected.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(c.entries)} files, {total / 1048576:.1f} MiB")
    return 0


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = 1 << 16
    raise SystemExit(main())
