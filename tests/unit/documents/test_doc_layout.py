"""Layout-aware reading on documents our code did not lay out (reportlab platypus tables) and on
OCR-like words (dropped spaces, low confidence)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from layout_docs import table_pdf
from PIL import Image

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts


def _read(name: str, declared: str, data: bytes) -> DocumentFacts:
    facts = analyse_file(name, name, declared, data)
    assert facts.error is None, facts.error_message
    return facts


def test_paystub_label_and_amount_in_separate_cells() -> None:
    pdf = table_pdf(
        [["Employer", "Harbourfront Dental Group"], ["Employee", "Priya Raman"],
         ["Pay period", "2026-09-01 to 2026-09-14"], ["Pay date", "2026-09-18"]],
        [["Gross Pay", "$2,560.00"], ["Income Tax", "$384.00"], ["CPP", "$152.32"], ["EI", "$41.98"],
         ["Total Deductions", "$578.30"], ["Net Pay", "$1,981.70"]],
        title="Earnings Statement",
    )
    f = _read("stub.pdf", "paystub", pdf)
    assert f.kind == "paystub"
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.deductions, s.net) == (2560.0, 578.30, 1981.70)
    assert (s.pay_date, s.period_start, s.period_end) == ("2026-09-18", "2026-09-01", "2026-09-14")
    assert s.pay_frequency == "biweekly" and s.employer == "Harbourfront Dental Group"
    assert f.name_on_document == "Priya Raman"
    assert f.monthly_income_estimate == round(2560 * 26 / 12, 2)
    src = f.fact_sources["gross"]
    assert src.page == 0 and src.confidence == 1.0 and src.box[0] > 100  # the amount's cell, right
    assert f.low_confidence_facts == []


def test_paystub_values_below_labels() -> None:
    pdf = table_pdf(
        [["Employee Name", "Employer", "Pay Date"], ["Marc Tremblay", "Northwind Logistics", "2026-10-15"]],
        [["Gross Pay", "Total Deductions", "Net Pay"], ["3,200.00", "812.40", "2,387.60"]],
        "Pay frequency: Semi-monthly. Pay statement; year to date figures on request.",
        title="Pay Stub",
    )
    f = _read("stub.pdf", "paystub", pdf)
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.deductions, s.net) == (3200.0, 812.40, 2387.60)
    assert s.pay_date == "2026-10-15" and s.pay_frequency == "semimonthly"
    assert s.employer == "Northwind Logistics" and f.name_on_document == "Marc Tremblay"
    assert f.fact_sources["net"].how == "below"


def test_paystub_under_current_and_ytd_column_headers() -> None:
    pdf = table_pdf(
        [["Company", "Lakeshore Foods Inc."], ["Employee", "Olu Okafor"], ["Pay Date", "Oct 17, 2026"],
         ["Pay Frequency", "Weekly"]],
        [["Earnings", "Rate", "Hours", "Current", "YTD"],
         ["Regular", "24.50", "40", "980.00", "40,180.00"],
         ["Overtime", "36.75", "4", "147.00", "2,205.00"],
         ["Gross Pay", "", "", "1,127.00", "42,385.00"]],
        [["Deductions", "Current", "YTD"], ["Federal Tax", "120.10", "4,924.10"],
         ["Provincial Tax", "50.20", "2,058.20"], ["CPP", "61.10", "2,505.10"], ["EI", "18.48", "757.68"]],
        [["Net Pay", "877.12"]],
        title="Statement of Earnings",
    )
    f = _read("stub.pdf", "paystub", pdf)
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.ytd_gross, s.net) == (1127.0, 42385.0, 877.12)
    assert s.deductions == 249.88 and f.metadata["deductions_source"].startswith("itemised")
    assert s.pay_frequency == "weekly" and s.pay_date == "2026-10-17"
    assert f.fact_sources["gross"].how == "under column header"


def test_us_paystub_side_by_side_tables() -> None:
    pdf = table_pdf(
        [["Employer", "Bayview Medical LLC"], ["Employee", "Dana Whitfield"],
         ["Check Date", "11/14/2026"], ["Pay Period", "11/01/2026 - 11/14/2026"]],
        [["Earnings", "Current", "YTD", "Taxes", "Current", "YTD"],
         ["Gross Pay", "3,846.15", "80,769.15", "Federal Income Tax", "512.00", "10,752.00"],
         ["", "", "", "FICA", "294.23", "6,178.83"],
         ["", "", "", "State Tax", "180.77", "3,796.17"],
         ["Net Pay", "2,859.15", "60,042.15", "", "", ""]],
        title="Earnings Statement",
    )
    s = _read("us.pdf", "paystub", pdf).pay_stub
    assert s is not None
    assert (s.gross, s.ytd_gross, s.net, s.deductions) == (3846.15, 80769.15, 2859.15, 987.0)
    assert s.pay_frequency == "biweekly" and s.pay_date == "2026-11-14"


def test_french_canadian_paystub() -> None:
    pdf = table_pdf(
        [["Employeur", "Boulangerie Saint-Laurent inc."], ["Employé", "Zoë Lévesque"],
         ["Période de paie", "du 1er mars 2026 au 15 mars 2026"], ["Date de paie", "20 mars 2026"]],
        [["Gains", "Montant", "Cumul"], ["Salaire brut", "1 234,56 $", "6 172,80 $"],
         ["Impôt fédéral", "98,10 $", "490,50 $"], ["Impôt du Québec", "110,20 $", "551,00 $"],
         ["RRQ", "72,20 $", "361,00 $"], ["Assurance-emploi", "16,29 $", "81,45 $"],
         ["RQAP", "6,10 $", "30,50 $"], ["Total des retenues", "302,89 $", "1 514,45 $"],
         ["Salaire net", "931,67 $", "4 658,35 $"]],
        title="Relevé de paie",
    )
    f = _read("paie.pdf", "paystub", pdf)
    s = f.pay_stub
    assert f.kind == "paystub" and s is not None
    assert (s.gross, s.deductions, s.net, s.ytd_gross) == (1234.56, 302.89, 931.67, 6172.80)
    assert (s.period_start, s.period_end, s.pay_date) == ("2026-03-01", "2026-03-15", "2026-03-20")
    assert s.pay_frequency == "semimonthly" and s.employer == "Boulangerie Saint-Laurent inc."
    assert f.name_on_document == "Zoë Lévesque"


def test_bank_table_withdrawals_deposits_balance() -> None:
    pdf = table_pdf(
        [["Account Holder", "Priya Raman"], ["Statement Period", "2026-09-01 to 2026-09-30"]],
        [["Date", "Description", "Withdrawals", "Deposits", "Balance"],
         ["2026-09-01", "Opening balance", "", "", "1,200.00"],
         ["2026-09-03", "PAYROLL DEPOSIT HARBOURFRONT", "", "2,560.00", "3,760.00"],
         ["2026-09-05", "RENT SEPTEMBER", "1,650.00", "", "2,110.00"],
         ["2026-09-17", "PAYROLL DEPOSIT HARBOURFRONT", "", "2,560.00", "4,670.00"],
         ["2026-09-20", "GROCERY", "210.45", "", "4,459.55"],
         ["2026-09-30", "Closing balance", "", "", "4,459.55"]],
        title="Account Statement",
    )
    f = _read("bank.pdf", "bank_statement", pdf)
    st = f.bank_statement
    assert f.kind == "bank_statement" and st is not None
    assert (st.opening_balance, st.closing_balance) == (1200.0, 4459.55)
    assert (st.period_start, st.period_end) == ("2026-09-01", "2026-09-30")
    assert [a for _, a, _ in st.transactions] == [2560.0, -1650.0, 2560.0, -210.45]
    assert st.transactions[0][2] == 3760.0 and st.recurring_income_monthly == 5120.0
    assert f.name_on_document == "Priya Raman"


def test_bank_signed_amount_column_parentheses_and_cr_dr() -> None:
    pdf = table_pdf(
        [["Statement period", "Sep 1, 2026 to Sep 30, 2026"], ["Opening balance", "350.00 DR"]],
        [["Date", "Transaction", "Amount", "Balance"],
         ["Sep 02", "SALARY ACME LTD", "3,000.00 CR", "2,650.00 CR"],
         ["Sep 04", "HYDRO ONE", "(120.50)", "2,529.50"],
         ["Sep 09", "E-TRANSFER SENT", "-400.00", "2,129.50"],
         ["Sep 15", "ATM WITHDRAWAL", "200.00 DR", "1,929.50"]],
        [["Closing balance", "1,929.50"]],
        title="Chequing account statement",
    )
    st = _read("bank.pdf", "bank_statement", pdf).bank_statement
    assert st is not None
    assert st.opening_balance == -350.0 and st.closing_balance == 1929.50
    assert [(a, b) for _, a, b in st.transactions] == [
        (3000.0, 2650.0), (-120.5, 2529.5), (-400.0, 2129.5), (-200.0, 1929.5)]
    assert st.transactions[0][0] == "SALARY ACME LTD"


def _statement_rows(start: float, rows: list[tuple[str, str, float]]) -> tuple[list[list[str]], float]:
    out, bal = [], start
    for day, desc, amt in rows:
        bal = round(bal + amt, 2)
        out.append([day, desc, f"{-amt:,.2f}" if amt < 0 else "", f"{amt:,.2f}" if amt > 0 else "",
                    f"{bal:,.2f}"])
    return out, bal


def test_bank_multi_page_with_balance_carried_forward() -> None:
    head = ["Date", "Description", "Debits", "Credits", "Balance"]
    p1, mid = _statement_rows(800.0, [("2026-09-02", "PAYROLL", 1900.0), ("2026-09-05", "RENT", -1400.0)])
    p2, end = _statement_rows(mid, [("2026-09-16", "PAYROLL", 1900.0), ("2026-09-20", "PHONE", -65.0)])
    pdf = table_pdf(
        [["Statement period", "2026-09-01 - 2026-09-30"], ["Opening Balance", "800.00"]],
        [head, *p1, ["", "Balance carried forward", "", "", f"{mid:,.2f}"]], None,
        [head, ["", "Balance brought forward", "", "", f"{mid:,.2f}"], *p2],
        [["Closing Balance", f"{end:,.2f}"]],
        title="Bank Statement",
    )
    f = _read("bank.pdf", "bank_statement", pdf)
    st = f.bank_statement
    assert f.pages == 2 and st is not None
    assert [a for _, a, _ in st.transactions] == [1900.0, -1400.0, 1900.0, -65.0]
    assert st.closing_balance == end and st.opening_balance == 800.0
    assert st.recurring_income_monthly == 3800.0


def test_french_bank_statement() -> None:
    pdf = table_pdf(
        [["Titulaire", "Marc-André Gagnon"], ["Période du relevé", "2026-09-01 au 2026-09-30"],
         ["Solde d'ouverture", "1 000,00 $"], ["Solde de fermeture", "2 450,00 $"]],
        [["Date", "Description", "Retraits", "Dépôts", "Solde"],
         ["2026-09-04", "Dépôt direct salaire", "", "2 100,00 $", "3 100,00 $"],
         ["2026-09-10", "Loyer", "650,00 $", "", "2 450,00 $"]],
        title="Relevé de compte",
    )
    f = _read("releve.pdf", "bank_statement", pdf)
    st = f.bank_statement
    assert f.kind == "bank_statement" and st is not None
    assert (st.opening_balance, st.closing_balance) == (1000.0, 2450.0)
    assert [a for _, a, _ in st.transactions] == [2100.0, -650.0]
    assert st.recurring_income_monthly == 2100.0 and f.name_on_document == "Marc-André Gagnon"


def test_png_without_exif_is_readable() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(buf, "PNG")
    data = buf.getvalue()
    f = analyse_file("i", "screenshot.png", "government_id", data)
    assert f.error is None and f.metadata["format"] == "png"
    broken = analyse_file("j", "broken.png", "government_id", data[: len(data) // 2])
    assert broken.error == "corrupt"


RENDERED = Path(__file__).resolve().parents[2] / "fixtures" / "documents" / "rendered"


@pytest.mark.parametrize(("suffix", "producer"), [("lo", "LibreOffice"), ("qt", "Qt")])
def test_rendered_paystub_with_tight_columns_and_a_letterhead(suffix: str, producer: str) -> None:
    f = _read("stub.pdf", "other", (RENDERED / f"stub_{suffix}.pdf").read_bytes())
    assert f.metadata["producer"].startswith(producer) and f.kind == "paystub"
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.ytd_gross, s.deductions, s.net) == (3003.0, 57057.0, 698.62, 2304.38)
    assert (s.period_start, s.period_end, s.pay_date) == ("2026-10-01", "2026-10-15", "2026-10-20")
    assert s.pay_frequency == "semimonthly"
    assert s.employer == "Maple Leaf Logistics Ltd." and f.fact_sources["employer"].how == "letterhead"
    assert f.name_on_document == "Siobhán O'Brien"


@pytest.mark.parametrize("suffix", ["lo", "qt"])
def test_rendered_statement_summary_below_labels_and_year_less_rows(suffix: str) -> None:
    f = _read("bank.pdf", "other", (RENDERED / f"bank_{suffix}.pdf").read_bytes())
    st = f.bank_statement
    assert f.kind == "bank_statement" and st is not None
    assert (st.opening_balance, st.total_deposits, st.total_withdrawals, st.closing_balance) == (
        812.40, 4620.0, 3155.63, 2276.77)
    assert (st.period_start, st.period_end) == ("2026-10-01", "2026-10-31")
    assert st.transactions[0] == ("PAYROLL DEP MAPLE LEAF LOGISTICS", 2310.0, 3122.4)
    assert [a for _, a, _ in st.transactions] == [2310.0, -1850.0, -132.18, 2310.0, -96.45, -1077.0]
    assert st.recurring_income_monthly == 4620.0 and f.name_on_document == "Olu Okafor"


def test_page_two_that_does_not_continue_page_one_is_flagged() -> None:
    from leaselab_desktop.domain.models import Lead
    from leaselab_desktop.screening.signals import detect_signals

    head = ["Date", "Description", "Debits", "Credits", "Balance"]
    p1, mid = _statement_rows(800.0, [("2026-09-02", "PAYROLL", 1900.0), ("2026-09-05", "RENT", -1400.0)])
    p2, end = _statement_rows(7300.0, [("2026-09-16", "PAYROLL", 1900.0)])  # another statement's page
    pdf = table_pdf(
        [["Statement period", "2026-09-01 - 2026-09-30"], ["Opening Balance", "800.00"]],
        [head, *p1, ["", "Balance carried forward", "", "", f"{mid:,.2f}"]], None,
        [head, ["", "Balance brought forward", "", "", "7,300.00"], *p2],
        [["Closing Balance", f"{end:,.2f}"]],
        title="Bank Statement",
    )
    f = _read("bank.pdf", "bank_statement", pdf)
    assert f.bank_statement is not None
    assert f.bank_statement.continuity_breaks == [
        "Balance page 2 starts from 7,300.00, but the balance before it (page 1) is 1,300.00."]
    sigs = [s for s in detect_signals(Lead(id="L", first_name="A", last_name="B"), [f], {})
            if s.code == "bank_balance_mismatch"]
    assert sigs and sigs[0].severity == "high" and "page 2 starts from 7,300.00" in sigs[0].evidence


def test_plain_text_statement_keeps_its_period() -> None:
    text = ("ACCOUNT STATEMENT\nStatement Period: 2026-09-01 to 2026-09-30\nOpening Balance: $100.00\n"
            "2026-09-03 PAYROLL DEPOSIT 900.00 1,000.00\nClosing Balance: $1,000.00\n")
    st = _read("s.txt", "bank_statement", text.encode()).bank_statement
    assert st is not None and (st.period_start, st.period_end) == ("2026-09-01", "2026-09-30")
    assert st.recurring_income_monthly == 900.0


def test_us_paystub_period_begin_and_end_labels() -> None:
    pdf = table_pdf(
        [["Employer", "Riverside Auto Parts LLC", "Pay Period Begin", "09/01/2026"],
         ["Employee", "Dana Whitfield", "Pay Period End", "09/30/2026"],
         ["Advice Date", "10/02/2026", "", ""]],
        [["Description", "Current", "YTD"], ["Gross Pay", "5,000.00", "45,000.00"],
         ["Social Security", "310.00", "2,790.00"], ["Medicare", "72.50", "652.50"],
         ["Federal Withholding", "640.00", "5,760.00"], ["Net Pay", "3,977.50", "35,797.50"]],
        title="Earnings Statement",
    )
    s = _read("us.pdf", "paystub", pdf).pay_stub
    assert s is not None
    assert (s.period_start, s.period_end, s.pay_date) == ("2026-09-01", "2026-09-30", "2026-10-02")
    assert s.pay_frequency == "monthly" and (s.gross, s.net, s.deductions) == (5000.0, 3977.5, 1022.5)
    assert s.employer == "Riverside Auto Parts LLC"


def test_a_figure_typed_over_a_whited_out_one_reads_as_shown() -> None:
    """An editor's white box and new digits over the old ones: the text layer holds both, the
    page shows the new one, and so does the reading."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(60, 760, "EARNINGS STATEMENT")
    c.drawString(60, 730, "Gross Pay")
    c.drawString(200, 730, "2,560.00")
    c.drawString(60, 710, "Net Pay")
    c.drawString(200, 710, "1,981.70")
    c.setFillColorRGB(1, 1, 1)
    c.rect(198, 727, 60, 14, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(200.4, 730, "4,560.00")
    c.save()
    s = _read("edited.pdf", "paystub", buf.getvalue()).pay_stub
    assert s is not None and (s.gross, s.net) == (4560.0, 1981.70)


def test_whited_out_remainder_of_a_longer_old_figure_is_hidden() -> None:
    """The new figure is shorter than the old one: the old '$' it does not cover is still under
    the editor's white box, so it is not read either."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(60, 760, "Relevé de compte")
    c.drawString(60, 740, "Solde d'ouverture")
    c.drawString(300, 740, "1 000,00 $")
    c.drawString(60, 720, "Solde de fermeture")
    c.drawString(300, 720, "2 461,88 $")
    c.setFillColorRGB(1, 1, 1)
    c.rect(296, 716, 80, 14, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(299, 720.6, "8 461,88")
    c.save()
    st = _read("releve.pdf", "bank_statement", buf.getvalue()).bank_statement
    assert st is not None and (st.opening_balance, st.closing_balance) == (1000.0, 8461.88)


def test_second_half_of_february_is_semimonthly() -> None:
    pdf = table_pdf([["Employee name:", "Daniel Whitfield"], ["Pay date:", "February 28, 2026"],
                     ["Pay period:", "February 16, 2026 to February 28, 2026"]],
                    [["Gross pay", "3,091.67"], ["Net pay", "2,331.43"]], title="Pay Statement")
    s = _read("stub.pdf", "paystub", pdf).pay_stub
    assert s is not None and s.pay_frequency == "semimonthly"
    labelled = table_pdf([["Pay schedule:", "Bi-Weekly"], ["Pay date:", "2026-02-27"]],
                         [["Gross pay", "3,091.67"], ["Net pay", "2,331.43"]], title="Pay Statement")
    s = _read("stub2.pdf", "paystub", labelled).pay_stub
    assert s is not None and s.pay_frequency == "biweekly"


def test_french_employment_letter_in_prose() -> None:
    pdf = table_pdf(
        "Services informatiques Boréal inc.", "1000 rue De La Gauchetière O, Montréal",
        "ATTESTATION D'EMPLOI", "À qui de droit,",
        "Nous attestons que Olivier Bergeron est à l'emploi de Services informatiques Boréal inc. "
        "depuis le 3 septembre 2019 à titre d'analyste, à temps plein.",
        "Son salaire annuel de base est de 78 900,00 $.",
    )
    f = _read("attestation.pdf", "employment_letter", pdf)
    assert f.kind == "employment_letter" and f.name_on_document == "Olivier Bergeron"
    assert f.employer == "Services informatiques Boréal inc." and f.stated_annual_salary == 78900.0
    assert f.employment_start == "2019-09-03" and f.monthly_income_estimate == 6575.0


def test_employment_verification_table() -> None:
    pdf = table_pdf(
        "Prairie Health Partners LLC", "Verification of Employment",
        "At the request of our employee, we confirm the following employment details.",
        [["Employee", "Jordan Okafor"], ["Position", "Clinical Data Analyst"],
         ["Date of hire", "02/14/2022"], ["Annual base salary", "$91,000.00"]],
    )
    f = _read("voe.pdf", "other", pdf)
    assert f.kind == "employment_letter" and f.name_on_document == "Jordan Okafor"
    assert f.employer == "Prairie Health Partners LLC" and f.stated_annual_salary == 91000.0
    assert f.employment_start == "2022-02-14"
