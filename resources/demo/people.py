"""The demo site's fixed data: site, properties, units and the applicants with their crafted cases.

All names, addresses, phone numbers (555-01xx) and e-mails (example.com) are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SITE = {
    "id": "site_demo",
    "name": "Lakeshore Living",
    "tier": "pro",
    "policy_profile": "default",
    "created_at": "2026-01-15T12:00:00.000Z",
}

PROPERTIES = [
    {"id": "prop_demo_harbour", "name": "Harbourfront Residences", "address": "25 Queens Quay W",
     "city": "Toronto", "province": "ON"},
    {"id": "prop_demo_annex", "name": "Annex Gardens", "address": "410 Bloor St W",
     "city": "Toronto", "province": "ON"},
    {"id": "prop_demo_square", "name": "Square One Towers", "address": "3985 Grand Park Dr",
     "city": "Mississauga", "province": "ON"},
]

# id, property, name, bedrooms, rent, occupied
UNITS = [
    ("unit_demo_h804", "prop_demo_harbour", "804", 0, 1995.0, 0),
    ("unit_demo_h1201", "prop_demo_harbour", "1201", 1, 2650.0, 0),
    ("unit_demo_h1505", "prop_demo_harbour", "1505", 2, 3400.0, 0),
    ("unit_demo_a1c", "prop_demo_annex", "1C", 0, 1850.0, 0),
    ("unit_demo_a2a", "prop_demo_annex", "2A", 1, 2150.0, 0),
    ("unit_demo_a3b", "prop_demo_annex", "3B", 2, 2875.0, 1),
    ("unit_demo_s905", "prop_demo_square", "905", 3, 3300.0, 0),
    ("unit_demo_s1708", "prop_demo_square", "1708", 1, 2200.0, 0),
    ("unit_demo_s2110", "prop_demo_square", "2110", 2, 2750.0, 0),
]


@dataclass
class Person:
    n: int
    first: str
    last: str
    unit: str
    employment_status: str | None
    employer: str | None = None
    position: str = ""
    start: str | None = None  # ISO date
    annual: float | None = None  # true gross annual income (what the documents show)
    stated_factor: float = 1.0  # stated monthly income = annual / 12 * factor
    stated_monthly: float | None = None  # explicit stated income (no employment)
    hourly: float | None = None  # part-time: hourly rate; annual = hourly * hours * 26
    hours: float = 0.0  # per bi-weekly period
    savings: float = 4000.0  # opening balance of the October statement
    current_rent: float = 1650.0
    assistance: float | None = None  # ODSP monthly deposit
    payroll: str = "Ceridian Dayforce"
    layout: str = "labels"
    id_format: str = "JPEG"
    status: str = "documents_received"
    docs: tuple[str, ...] = ("paystub", "paystub", "bank_statement", "employment_letter", "government_id")
    case: str = "clean"
    expected: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    message: str = ""
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def lead_id(self) -> str:
        return f"lead_demo_{self.n:02d}"

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


ALL_DOCS = ("paystub", "paystub", "bank_statement", "employment_letter", "government_id")

PEOPLE: list[Person] = [
    Person(1, "Priya", "Raman", "unit_demo_h1201", "employed", "Northwind Analytics Inc.",
           "Senior Software Developer", "2021-03-01", annual=112_000.0, savings=18_400.0,
           current_rent=2100.0, case="clean_strong",
           message="Looking for a quiet one-bedroom close to work; non-smoker."),
    Person(2, "Marc-André", "Lévesque", "unit_demo_h1505", "employed", "Trillium Health Partners",
           "Registered Nurse", "2018-06-18", annual=98_500.0, savings=12_750.0,
           current_rent=2300.0, layout="table", id_format="PNG", payroll="ADP Workforce Now",
           case="clean_strong"),
    Person(3, "Jordan", "Blake", "unit_demo_a2a", "employed", "Urban Threads Retail Ltd.",
           "Retail Sales Lead", "2025-08-11", hourly=21.50, hours=56.0, savings=640.0,
           current_rent=1450.0, case="clean_weak",
           message="Currently part-time, hoping to move closer to the store."),
    Person(4, "Aisha", "Mohammed", "unit_demo_a1c", "unemployed", stated_monthly=1408.0,
           assistance=1408.0, savings=910.0, current_rent=1100.0,
           docs=("bank_statement", "government_id"), case="clean_weak",
           note="ODSP recipient: public assistance counts as income under the Ontario profile."),
    Person(5, "Daniel", "Kim", "unit_demo_s1708", "employed", "Meridian Logistics Corp.",
           "Operations Manager", "2019-09-03", annual=86_000.0, savings=7_300.0,
           case="editing_software", expected=("editing_software", "font_mismatch"),
           note="Second pay stub was written by Adobe Photoshop; its net pay is set in another font."),
    Person(6, "Sofia", "Rossi", "unit_demo_s2110", "employed", "Bayview Dental Group",
           "Dental Hygienist", "2020-01-13", annual=84_000.0, savings=9_900.0,
           case="date_mismatch", expected=("date_mismatch",),
           note="Bank statement modified two weeks after it was produced."),
    Person(7, "Ethan", "Clarke", "unit_demo_h804", "employed", "Lakeview Construction Ltd.",
           "Site Coordinator", "2022-04-04", annual=64_000.0, savings=3_100.0,
           case="incremental_revision", expected=("incremental_revision", "paystub_arithmetic"),
           allowed=("income_mismatch",),
           note="Second pay stub has an appended PDF revision raising the net pay by $2,000."),
    Person(8, "Mei", "Chen", "unit_demo_a2a", "employed", "Pacific Rim Imports Inc.",
           "Accounts Payable Clerk", "2023-02-20", annual=58_000.0, savings=2_450.0,
           case="paystub_arithmetic", expected=("paystub_arithmetic",),
           note="Second pay stub prints a net pay $600 above gross minus deductions."),
    Person(9, "Lucas", "Martin", "unit_demo_s905", "employed", "Summit Engineering Group",
           "Civil Engineer", "2017-05-15", annual=104_000.0, savings=15_200.0,
           case="ytd_discontinuity", expected=("ytd_discontinuity",),
           note="Second pay stub's YTD gross jumps $12,000 more than its gross."),
    Person(10, "Olivia", "Brown", "unit_demo_h1201", "employed", "Harbour Insurance Brokers",
           "Client Service Representative", "2021-11-01", annual=61_000.0, savings=4_800.0,
           case="name_mismatch", expected=("name_mismatch",),
           note="Employment letter names another person (Rebecca Thompson)."),
    Person(11, "Noah", "Williams", "unit_demo_h1505", "employed", "Greenway Transit Services",
           "Maintenance Technician", "2019-03-25", annual=60_000.0, stated_factor=1.4,
           savings=3_900.0, case="income_mismatch", expected=("income_mismatch",),
           note="Stated income is 40 % above what the pay stubs and letter show."),
    Person(12, "Grace", "Okafor", "unit_demo_s2110", "employed", "Maple Leaf Foods Distribution",
           "Warehouse Supervisor", "2020-07-06", annual=72_000.0, savings=2_200.0,
           case="bank_balance_mismatch", expected=("bank_balance_mismatch",),
           note="Bank statement balances inflated by $5,000 from mid-month on."),
    Person(13, "Liam", "Tremblay", "unit_demo_a3b", "employed", "Credit Valley Hospital",
           "Pharmacist", "2016-10-11", annual=118_000.0, savings=21_000.0,
           case="file_reused_original", expected=("file_reused",),
           note="His bank statement was also uploaded by lead_demo_14."),
    Person(14, "Emma", "Wilson", "unit_demo_s1708", "employed", "Sheridan Print & Signs",
           "Graphic Designer", "2022-09-12", annual=57_000.0, savings=1_300.0,
           case="file_reused_copy", expected=("file_reused", "name_mismatch"),
           note="Submitted lead_demo_13's bank statement as her own."),
    Person(15, "Chloe", "Nguyen", "unit_demo_h1505", "student", "Campus Grind Coffee Co.",
           "Barista", "2025-09-02", annual=114_000.0, savings=2_900.0, status="documents_received",
           case="implausible_income", expected=("implausible_income",),
           note="A part-time student barista whose pay stubs show $9,500/month."),
    Person(16, "Ryan", "Patel", "unit_demo_a2a", "employed", "Etobicoke Auto Care",
           "Service Advisor", "2023-05-01", annual=55_000.0, status="documents_pending", docs=(),
           case="no_documents", note="No documents uploaded yet."),
    Person(17, "Hannah", "Schmidt", "unit_demo_s1708", "employed", "Lakeshore Dental Lab",
           "Lab Technician", "2021-02-01", annual=66_000.0, savings=5_600.0,
           case="corrupt_file", expected=("document_unreadable",),
           note="Bank statement upload is a damaged PDF."),
    Person(18, "Omar", "Haddad", "unit_demo_a1c", "employed", "Queensway Electrical Ltd.",
           "Electrician Apprentice", "2024-03-18", annual=52_000.0, savings=2_700.0,
           case="mislabelled_file", expected=("document_mislabelled",),
           note="Second pay stub is a phone photo (JPEG) named .pdf."),
]
