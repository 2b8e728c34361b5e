"""Generate the held-out document corpus (tests/heldout/) and its ground truth (expected.json).

    /work/genvenv/bin/python tests/heldout/generate.py [--out tests/heldout]

Tools NOT used by tests/corpus: fpdf2, typst, PyMuPDF Story (HTML → PDF), PyMuPDF incremental
saves for the edited files, and PyMuPDF + Pillow page renders at 200/300 dpi for the scans. Needs
tests/heldout/requirements.txt in a separate venv; the app and its tests need none of it because the
output is committed. Same inputs give the same bytes (no clock, seeded noise).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout_gen import forge, fpdf_docs, story_docs, typst_docs
from heldout_gen.data import (
    CA_RATES,
    EMPLOYERS,
    PEOPLE,
    PERIODS,
    QC_RATES,
    US_RATES,
    Person,
    Statement,
    Stub,
    break_running_balance,
    d,
    make_statement,
    make_stub,
    us,
)

SCHEMA_VERSION = 1


def stub_facts(s: Stub) -> dict[str, Any]:
    return {"gross": float(s.gross), "net": float(s.net), "deductions": float(s.total_deductions),
            "ytd_gross": float(s.ytd_gross), "pay_date": s.pay_date.isoformat(),
            "period_start": s.period_start.isoformat(), "period_end": s.period_end.isoformat(),
            "pay_frequency": s.frequency, "employer": s.employer.name, "name": s.person.name}


def bank_facts(st: Statement) -> dict[str, Any]:
    return {"closing_balance": float(st.closing), "opening_balance": float(st.opening),
            "period_start": st.start.isoformat(), "period_end": st.end.isoformat(),
            "name": st.holder.name, "transactions": len(st.rows)}


def lead(p: Person, employer: str | None, monthly: Decimal) -> dict[str, Any]:
    return {"first_name": p.first, "last_name": p.last, "employer": employer, "monthly_income": float(d(monthly))}


def stub_lead(s: Stub) -> dict[str, Any]:
    return lead(s.person, s.employer.name, s.gross * PERIODS[s.frequency] / 12)


class Corpus:
    def __init__(self, out: Path) -> None:
        self.out, self.entries = out, []  # type: list[dict[str, Any]]

    def add(self, rel: str, data: bytes, **entry: Any) -> dict[str, Any]:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        fmt = {".pdf": "pdf", ".jpg": "jpeg", ".png": "png", ".tif": "tiff"}[path.suffix]
        clean = entry.get("forgery") is None
        row = {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
               "family": entry.pop("family"), "layout": entry.pop("layout"), "tool": entry.pop("tool")}
        if "source_tool" in entry:
            row["source_tool"] = entry.pop("source_tool")
        row.update({"declared_type": row["family"], "medium": entry.pop("medium", "digital"), "format": fmt,
                    "facts": entry.pop("facts"), "clean": clean, "forgery": entry.pop("forgery", None),
                    "lead": entry.pop("lead"), "companions": [], "expected_signals": entry.pop("signals", [])})
        row.update(entry)
        self.entries.append(row)
        return row


def paystubs(c: Corpus) -> dict[str, tuple[bytes, Stub]]:
    e, p = EMPLOYERS, PEOPLE
    us_a = make_stub(p["quintero"], e["redwood"], "biweekly", 5, date(2026, 1, 10), US_RATES, annual=72800)
    us_b = make_stub(p["lindqvist"], e["tidewater"], "biweekly", 4, date(2026, 1, 3), US_RATES,
                     hourly=("80", "29.75"), earnings_label="Regular Hours")
    ca = make_stub(p["deshpande"], e["northern"], "semimonthly", 5, date(2026, 1, 15), CA_RATES,
                   annual=61500, pay_lag=0)
    ca_other = make_stub(p["okonkwo"], e["northern"], "semimonthly", 5, date(2026, 1, 15), CA_RATES,
                         annual=58200, pay_lag=0)
    qc = make_stub(p["lavigne"], e["fleurdelys"], "biweekly", 5, date(2026, 1, 10), QC_RATES,
                   hourly=("75", "27.40"), earnings_label="Salaire régulier")
    made: dict[str, tuple[bytes, Stub]] = {}
    fam = {"family": "paystub"}

    us_a_pdf = fpdf_docs.stub_us(us_a)
    made["us_a"] = (us_a_pdf, us_a)
    c.add("files/paystubs/stub_us_fpdf_clean_a.pdf", us_a_pdf, layout="stub_us_fpdf", tool="fpdf2",
          facts=stub_facts(us_a), lead=stub_lead(us_a), **fam)
    us_b_pdf = fpdf_docs.stub_us(us_b)
    made["us_b"] = (us_b_pdf, us_b)
    c.add("files/paystubs/stub_us_fpdf_clean_b.pdf", us_b_pdf, layout="stub_us_fpdf", tool="fpdf2",
          facts=stub_facts(us_b), lead=stub_lead(us_b), **fam)
    broken = replace(us_a, net=us_a.net + Decimal("275.00"))
    c.add("files/paystubs/stub_us_fpdf_forged_broken_arithmetic.pdf", fpdf_docs.stub_us(broken),
          layout="stub_us_fpdf", tool="fpdf2", facts=stub_facts(broken), lead=stub_lead(us_a),
          forgery="broken_arithmetic", signals=["paystub_arithmetic"], **fam)
    raised = replace(us_b, gross=us_b.gross + 600, net=us_b.net + 600)
    edited = forge.edit_incremental(us_b_pdf, [(us(us_b.gross), us(raised.gross)), (us(us_b.net), us(raised.net))],
                                    "D:20260309141122+00'00'")
    c.add("files/paystubs/stub_us_fpdf_forged_edited_amount.pdf", edited, layout="stub_us_fpdf", tool="fpdf2",
          facts=stub_facts(raised), lead=stub_lead(us_b), forgery="edited_amount", signals=["incremental_revision"],
          original_facts=stub_facts(us_b), original_revision="files/paystubs/stub_us_fpdf_clean_b.pdf",
          edit_method="overlay", **fam)

    ca_pdf = typst_docs.stub_ca(ca)
    made["ca"] = (ca_pdf, ca)
    c.add("files/paystubs/stub_ca_typst_clean_a.pdf", ca_pdf, layout="stub_ca_typst", tool="typst",
          facts=stub_facts(ca), lead=stub_lead(ca), **fam)
    c.add("files/paystubs/stub_ca_typst_forged_name_swap.pdf", typst_docs.stub_ca(ca_other),
          layout="stub_ca_typst", tool="typst", facts=stub_facts(ca_other), lead=stub_lead(ca),
          forgery="name_swap", signals=["name_mismatch"], **fam)

    qc_pdf = story_docs.stub_qc(qc)
    made["qc"] = (qc_pdf, qc)
    c.add("files/paystubs/stub_qc_story_clean_a.pdf", qc_pdf, layout="stub_qc_story",
          tool="pymupdf_story", facts=stub_facts(qc), lead=stub_lead(qc), **fam)
    qc_broken = replace(qc, net=qc.net + Decimal("150.00"))
    c.add("files/paystubs/stub_qc_story_forged_broken_arithmetic.pdf", story_docs.stub_qc(qc_broken),
          layout="stub_qc_story", tool="pymupdf_story", facts=stub_facts(qc_broken), lead=stub_lead(qc),
          forgery="broken_arithmetic", signals=["paystub_arithmetic"], **fam)
    return made


def statements(c: Corpus) -> dict[str, tuple[bytes, Statement]]:
    p = PEOPLE
    ashby = make_statement(p["ashby"], "Prairie Rock Savings Bank", "XXXX-XXXX-7731", date(2026, 2, 1),
                           date(2026, 2, 28), "1842.17",
                           ("DIRECT DEP BADGER STATE UTILITIES PAYROLL", "2140.55", 14, date(2026, 2, 6)), 11, 22)
    keiko = make_statement(p["nakamura"], "Cedar Coast Credit Union", "0412-778193", date(2026, 3, 1),
                           date(2026, 3, 31), "3105.40",
                           ("PAYROLL DEP SALISH HEALTH AUTHORITY", "1876.20", 14, date(2026, 3, 6)), 23, 34)
    other = make_statement(p["varghese"], "Cedar Coast Credit Union", "0412-553020", date(2026, 3, 1),
                           date(2026, 3, 31), "958.66",
                           ("PAYROLL DEP OKANAGAN ORCHARDS", "1640.00", 14, date(2026, 3, 13)), 31, 30)
    fam = {"family": "bank_statement"}
    ashby_lead = lead(ashby.holder, "Badger State Utilities", Decimal("2140.55") * 26 / 12)
    keiko_lead = lead(keiko.holder, "Salish Health Authority", Decimal("1876.20") * 26 / 12)
    c.add("files/bank/bank_us_signed_typst_clean_a.pdf", typst_docs.bank_us_signed(ashby),
          layout="bank_us_signed_typst", tool="typst", facts=bank_facts(ashby), lead=ashby_lead, **fam)
    broken = break_running_balance(ashby, 7, "85.00")
    c.add("files/bank/bank_us_signed_typst_forged_broken_running_balance.pdf", typst_docs.bank_us_signed(broken),
          layout="bank_us_signed_typst", tool="typst", facts=bank_facts(broken), lead=ashby_lead,
          forgery="broken_running_balance", signals=["bank_balance_mismatch"], **fam)
    keiko_pdf = fpdf_docs.bank_ca(keiko, 20)
    c.add("files/bank/bank_ca_drcr_fpdf_clean_a.pdf", keiko_pdf, layout="bank_ca_drcr_fpdf", tool="fpdf2",
          facts=bank_facts(keiko), lead=keiko_lead, **fam)
    c.add("files/bank/bank_ca_drcr_fpdf_forged_name_swap.pdf", fpdf_docs.bank_ca(other, 18),
          layout="bank_ca_drcr_fpdf", tool="fpdf2", facts=bank_facts(other), lead=keiko_lead,
          forgery="name_swap", signals=["name_mismatch"], **fam)
    return {"keiko": (keiko_pdf, keiko)}


def letters(c: Corpus) -> None:
    p, e = PEOPLE, EMPLOYERS
    fam = {"family": "employment_letter"}
    start, salary = date(2022, 9, 12), d(84500)
    en = story_docs.letter_en(p["adeyemi"], e["granite"], "Senior Project Coordinator", start, salary,
                              date(2026, 3, 10), "Her")
    facts = {"employer": e["granite"].name, "name": p["adeyemi"].name, "annual_salary": float(salary),
             "start_date": start.isoformat()}
    en_lead = lead(p["adeyemi"], e["granite"].name, salary / 12)
    c.add("files/letters/letter_en_story_clean_a.pdf", en, layout="letter_en_story", tool="pymupdf_story",
          facts=facts, lead=en_lead, **fam)
    edited = forge.edit_incremental(en, [(us(salary), us(d(98500)))], "D:20260316201540+00'00'")
    c.add("files/letters/letter_en_story_forged_edited_amount.pdf", edited, layout="letter_en_story",
          tool="pymupdf_story", facts={**facts, "annual_salary": 98500.0}, lead=en_lead, forgery="edited_amount",
          signals=["incremental_revision"], original_facts=facts,
          original_revision="files/letters/letter_en_story_clean_a.pdf", edit_method="overlay", **fam)
    start_fr, salary_fr = date(2020, 3, 2), d(61200)
    fr_pdf = typst_docs.letter_fr(p["ouellet"], e["laurentienne"], "coordonnatrice logistique", start_fr,
                                  salary_fr, date(2026, 3, 12))
    c.add("files/letters/letter_fr_typst_clean_a.pdf", fr_pdf, layout="letter_fr_typst", tool="typst",
          facts={"employer": e["laurentienne"].name, "name": p["ouellet"].name, "annual_salary": float(salary_fr),
                 "start_date": start_fr.isoformat()},
          lead=lead(p["ouellet"], e["laurentienne"].name, salary_fr / 12), **fam)


def scans(c: Corpus, stubs: dict[str, tuple[bytes, Stub]], banks: dict[str, tuple[bytes, Statement]]) -> None:
    """Clean pages as a scanner returns them: 300 dpi JPEG, 200 dpi PNG, 200 dpi image-only PDF, and
    the deeper and shallower files of scanner software: a 16-bit greyscale PNG (pypng), a multi-page
    16-bit TIFF (tifffile) and a 1-bit black-and-white TIFF (tifffile)."""
    pdf, s = stubs["us_a"]
    img = forge.scan(forge.page_image(pdf, 0, 300), seed=301, skew=forge.skew_for(301))
    c.add("files/scans/stub_us_fpdf_clean_a_scan300.jpg", forge.jpeg(img, 70, 300), layout="stub_us_fpdf",
          tool="raster_scan_300", source_tool="fpdf2", medium="scanned", family="paystub",
          facts=stub_facts(s), lead=stub_lead(s))
    pdf, s = stubs["ca"]
    img = forge.scan(forge.page_image(pdf, 0, 200), seed=202, skew=forge.skew_for(202), noise=0.0)
    c.add("files/scans/stub_ca_typst_clean_a_scan200.png", forge.png(img, 200), layout="stub_ca_typst",
          tool="raster_scan_200", source_tool="typst", medium="scanned", family="paystub",
          facts=stub_facts(s), lead=stub_lead(s))
    pdf, st = banks["keiko"]
    pages = [forge.jpeg(forge.scan(forge.page_image(pdf, i, 200), seed=210 + i, skew=forge.skew_for(210 + i)), 65, 200)
             for i in range(2)]
    c.add("files/scans/bank_ca_drcr_fpdf_clean_a_copier200.pdf",
          forge.image_pdf(pages, (612, 792), "D:20260401083000+00'00'"), layout="bank_ca_drcr_fpdf",
          tool="raster_image_pdf_200", source_tool="fpdf2", medium="scanned", family="bank_statement",
          facts=bank_facts(st), lead=lead(st.holder, "Salish Health Authority", Decimal("1876.20") * 26 / 12))
    scans_deep(c, stubs, banks)


def scans_deep(c: Corpus, stubs: dict[str, tuple[bytes, Stub]], banks: dict[str, tuple[bytes, Statement]]) -> None:
    """Sample depths other than 8 bits (Pillow opens 16-bit grey as mode I;16, 1-bit as mode 1)."""
    pdf, s = stubs["us_b"]
    levels = forge.scan_levels(forge.page_image(pdf, 0, 200), seed=216, skew=forge.skew_for(216), noise=0.0)
    c.add("files/scans/stub_us_fpdf_clean_b_scan16.png", forge.png16(levels), layout="stub_us_fpdf",
          tool="raster_png16_pypng", source_tool="fpdf2", medium="scanned", family="paystub",
          facts=stub_facts(s), lead=stub_lead(s))
    pdf, st = banks["keiko"]  # two pages: the closing balance is on the second
    pages = [forge.scan_levels(forge.page_image(pdf, i, 200), seed=220 + i, skew=forge.skew_for(220 + i), noise=0.0)
             for i in range(forge.page_count(pdf))]
    c.add("files/scans/bank_ca_drcr_fpdf_clean_a_feeder16.tif", forge.tiff16(pages, 200),
          layout="bank_ca_drcr_fpdf", tool="raster_tiff16_tifffile", source_tool="fpdf2", medium="scanned",
          family="bank_statement", facts=bank_facts(st),
          lead=lead(st.holder, "Salish Health Authority", Decimal("1876.20") * 26 / 12))
    pdf, s = stubs["qc"]
    c.add("files/scans/stub_qc_story_clean_a_bw300.tif", forge.bilevel_tiff(forge.page_image(pdf, 0, 300), 300),
          layout="stub_qc_story", tool="raster_bilevel_tifffile", source_tool="pymupdf_story", medium="scanned",
          family="paystub", facts=stub_facts(s), lead=stub_lead(s))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()
    c = Corpus(args.out)
    stubs = paystubs(c)
    banks = statements(c)
    letters(c)
    scans(c, stubs, banks)
    total = sum(e["size"] for e in c.entries)
    truth = {"schema": SCHEMA_VERSION, "files": len(c.entries), "total_bytes": total, "entries": c.entries}
    (args.out / "expected.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(c.entries)} files, {total:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
