"""The ground-truth schema both corpora share (tests/corpus/ and tests/heldout/): each family's fact
fields, the tools of tests/corpus (which the held-out corpus must not use), and file signatures."""

from __future__ import annotations

FAMILIES = {
    "paystub": {"gross", "net", "deductions", "ytd_gross", "pay_date", "period_start", "period_end",
                "pay_frequency", "employer", "name"},
    "bank_statement": {"closing_balance", "opening_balance", "period_start", "period_end", "name", "transactions"},
    "employment_letter": {"employer", "name", "annual_salary", "start_date"},
    "government_id": {"name", "id_number", "date_of_birth", "expiry"},
}
DIGITAL_TOOLS = {"reportlab", "docx_libreoffice", "xlsx_libreoffice", "qt_qtextdocument", "html_weasyprint"}
MAGIC = {
    "pdf": (b"%PDF-",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",), "tiff": (b"II*\x00", b"MM\x00*"),
}
