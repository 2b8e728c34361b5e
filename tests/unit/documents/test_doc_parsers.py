"""Parsers on the demo layouts and on reasonable variations of real-world wording."""

from __future__ import annotations

import pytest

from leaselab_desktop.screening.documents import parse_content
from leaselab_desktop.screening.documents.parse_bank import parse_bank_statement
from leaselab_desktop.screening.documents.parse_common import amounts, parse_date
from leaselab_desktop.screening.documents.parse_letter import classify, parse_letter
from leaselab_desktop.screening.documents.parse_paystub import parse_paystub
from leaselab_desktop.screening.facts import DocumentFacts


def _facts(text: str, declared: str = "other") -> DocumentFacts:
    f = DocumentFacts(file_id="f", file_name="x.pdf", declared_type=declared, sha256="0", md5="0",
                      size=1, text=text)
    parse_content(f)
    return f


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Net Pay: $4,250.00", [4250.0]),
        ("CPP (238.10)", [-238.1]),
        ("2026-09-03 Rent -1,900.00 6,450.00", [-1900.0, 6450.0]),
        ("Net Pay: $3150", [3150.0]),
        ("Overdraft 25.00 DR", [-25.0]),
        ("Deposit C$1,200.50", [1200.5]),
        ("Hours 80", []),
    ],
)
def test_amounts(text: str, expected: list[float]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Pay Date: October 17, 2026", "2026-10-17"),
        ("Pay Date: Oct. 17 2026", "2026-10-17"),
        ("17 Oct 2026", "2026-10-17"),
        ("2026/10/17", "2026-10-17"),
        ("17/10/2026", "2026-10-17"),
        ("Sept 3rd, 2026", "2026-09-03"),
        ("2026-02-30", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_paystub_variation_table_with_individual_deductions() -> None:
    text = """ACME CORP
PAY STATEMENT
Employee Name: DOE, JANE   Employee ID: 4471
Period Beginning: Oct 1, 2026
Period Ending: Oct 15, 2026
Date Paid: Oct 20, 2026
Earnings  Current  YTD
Gross Earnings  3,000.00  57,000.00
Federal Tax  (400.00)  (7,600.00)
CPP  (150.00)
EI  (50.00)
Take Home Pay  2,400.00
"""
    stub, _name = parse_paystub(text)
    assert stub.gross == 3000.0 and stub.ytd_gross == 57000.0
    assert stub.deductions == 600.0 and stub.net == 2400.0
    assert (stub.period_start, stub.period_end, stub.pay_date) == ("2026-10-01", "2026-10-15", "2026-10-20")
    assert stub.pay_frequency == "semimonthly"
    f = _facts(text)
    assert f.kind == "paystub" and f.name_on_document == "DOE, JANE"
    assert f.monthly_income_estimate == 6000.0


def test_paystub_monthly_and_weekly_words() -> None:
    stub, _ = parse_paystub("Pay frequency: Monthly\nGross Pay $5,000.00\nNet Pay $3,900.00\nYTD Gross $50,000.00")
    assert stub.pay_frequency == "monthly" and stub.ytd_gross == 50000.0 and stub.gross == 5000.0
    stub, _ = parse_paystub("Weekly pay\nGross Wages: 900.00\nNet Amount: 700.00")
    assert stub.pay_frequency == "weekly" and stub.net == 700.0


def test_bank_statement_signed_and_unsigned_rows() -> None:
    text = """Northern Credit Union
Bank Statement
Customer: Jane Public
Statement Period: Sep 1, 2026 to Sep 30, 2026
Beginning Balance: $1,000.00
2026-09-01 ONTARIO WORKS 733.00 1,733.00
2026-09-02 RENT 1,200.00 533.00
2026-09-15 PAYROLL DEPOSIT ACME 1,500.00 2,033.00
2026-09-20 COFFEE (4.50) 2,028.50
Total Deposits: $2,233.00
Total Withdrawals: $1,204.50
Ending Balance: $2,028.50
"""
    st, name, assistance = parse_bank_statement(text)
    assert name == "Jane Public"
    assert (st.opening_balance, st.closing_balance) == (1000.0, 2028.5)
    assert (st.total_deposits, st.total_withdrawals) == (2233.0, 1204.5)
    assert [a for _, a, _ in st.transactions] == [733.0, -1200.0, 1500.0, -4.5]
    assert st.transactions[1][0] == "RENT"
    assert st.recurring_income_monthly == 1500.0
    assert assistance == 733.0
    assert _facts(text).kind == "bank_statement"


def test_employment_letter_annual_and_hourly() -> None:
    letter = parse_letter(
        "To whom it may concern,\nThis is to certify that Ms. Jane Q. Public is employed by Acme Widgets "
        "Ltd. as a Welder since April 1, 2019. Her annual salary is $72,500."
    )
    assert letter.name == "Jane Q. Public" and letter.employer == "Acme Widgets Ltd."
    assert letter.annual_salary == 72500.0 and letter.start == "2019-04-01"
    hourly = parse_letter(
        "To whom it may concern, we confirm that John Roe has been employed part-time with Corner "
        "Cafe Inc. as a Barista since 2025-09-02, working 20 hours per week at $17.20 per hour."
    )
    assert hourly.name == "John Roe" and hourly.employer == "Corner Cafe Inc."
    assert hourly.annual_salary == pytest.approx(17.2 * 20 * 52)
    f = _facts("To whom it may concern,\nThis letter confirms that Ann Lee has been employed with "
               "Foo Inc. as a Clerk since 2020-01-01. The annual base salary is $60,000.00.")
    assert f.kind == "employment_letter" and f.monthly_income_estimate == 5000.0


def test_classify_falls_back_to_declared_type() -> None:
    assert classify("", "government_id") == "government_id"
    assert classify("Some unrelated text", "tax_return") == "tax_return"
    assert classify("Notice of Assessment 2025", "other") == "tax_return"
    assert _facts("nothing useful here", "paystub").pay_stub is None


def test_wrapped_rows_disable_running_balance_check() -> None:
    text = """Account Statement
Opening Balance: 100.00
2026-09-01 PAYROLL 500.00 600.00
2026-09-02 CARD PURCHASE AT A STORE WITH A LONG NAME
   CONTINUED 20.00 580.00
2026-09-03 RENT 300.00 280.00
Closing Balance: 280.00
"""
    st, _, _ = parse_bank_statement(text)
    assert [a for _, a, _ in st.transactions] == [500.0, -300.0]
    assert all(bal is None for _, _, bal in st.transactions)
    assert _facts(text).bank_statement is not None


def test_overdrawn_balances_with_trailing_minus() -> None:
    text = """Bank Statement
Opening Balance: 50.00
2026-09-01 RENT 1,000.00 950.00-
2026-09-15 PAYROLL 1,200.00 250.00
Closing Balance: 250.00
"""
    st, _, _ = parse_bank_statement(text)
    assert st.transactions == [("RENT", -1000.0, -950.0), ("PAYROLL", 1200.0, 250.0)]


def test_ytd_columns_on_the_same_line_are_not_current_values() -> None:
    text = ("Pay Date: 2026-10-17\nGross Pay: $4,250.00   YTD Gross: $80,750.00\n"
            "Total Deductions: $1,100.00   YTD Deductions: $20,900.00\n"
            "Net Pay: $3,150.00   Year to Date Net: $59,850.00\n")
    stub, _ = parse_paystub(text)
    assert (stub.gross, stub.deductions, stub.net, stub.ytd_gross) == (4250.0, 1100.0, 3150.0, 80750.0)


def test_itemised_deductions_are_marked() -> None:
    f = _facts("Pay Date: 2026-10-17\nGross Pay: 1,000.00\nFederal Tax: 100.00\nCPP: 50.00\nNet Pay: 850.00")
    assert f.pay_stub and f.pay_stub.deductions == 150.0
    assert f.metadata["deductions_source"].startswith("itemised")
