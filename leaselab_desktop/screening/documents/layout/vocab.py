"""Labels, as compact strings (see ``text.compact``), for Canadian (EN/FR) and US pay stubs, bank
statements and employment letters. The one copy is ``resources/documents/layout-vocab.json``, which
the worker bundles too, so the two readings cannot disagree on a label: edit the JSON, not this
module. Label lists are matched longest first so "grosspay" wins over "gross"."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.resource_json import read_model

LABEL_LISTS = (
    "GROSS",
    "NET",
    "TOTAL_DEDUCTIONS",
    "DEDUCTION_LINES",
    "PAY_DATE",
    "PERIOD",
    "PERIOD_START",
    "PERIOD_END",
    "FREQUENCY",
    "EMPLOYER",
    "EMPLOYEE",
    "OPENING",
    "CLOSING",
    "CARRIED",
    "TOTAL_DEPOSITS",
    "TOTAL_WITHDRAWALS",
    "STATEMENT_PERIOD",
    "HOLDER",
    "ID_NAME",
)
COLUMNS = ("date", "desc", "debit", "credit", "amount", "balance")
# STOPS (words that start another field, never part of a name) = these lists + ``stop_extra``.
STOP_PARTS = ("GROSS", "NET", "PAY_DATE", "PERIOD", "EMPLOYER", "EMPLOYEE", "FREQUENCY")


class VocabularyError(RuntimeError):
    """The vocabulary file is missing or is not what the layout reading needs."""


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    labels: dict[str, list[str]]
    stop_extra: list[str]
    letter_salary: list[str]
    letter_start: list[str]
    ytd_marks: list[str]
    current_headers: list[str]
    columns: dict[str, list[str]]
    paystub_words: list[str]
    bank_words: list[str]
    letter_words: list[str]
    id_words: list[str]
    single_split: list[str]
    split_extra: list[str]
    withholding: dict[str, list[str]]

    @field_validator("labels", "columns")
    @classmethod
    def _none_empty(cls, lists: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        wanted, what = (LABEL_LISTS, "label lists") if info.field_name == "labels" else (COLUMNS, "columns")
        missing = [k for k in wanted if not lists.get(k)]
        if missing:
            raise ValueError(f"missing or empty {what}: " + ", ".join(missing))
        return lists


def vocabulary_path() -> Path:
    return resources_dir() / "documents" / "layout-vocab.json"


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    return read_model(Vocabulary, path or vocabulary_path(), VocabularyError, "the layout vocabulary")


def _labels(*names: str) -> tuple[str, ...]:
    """Longest first, then alphabetical: the order the worker sorts them in."""
    return tuple(sorted(set(names), key=lambda s: (-len(s), s)))


_V = load_vocabulary()
_L = {k: _labels(*v) for k, v in _V.labels.items()}

GROSS = _L["GROSS"]
NET = _L["NET"]
TOTAL_DEDUCTIONS = _L["TOTAL_DEDUCTIONS"]
DEDUCTION_LINES = _L["DEDUCTION_LINES"]
PAY_DATE = _L["PAY_DATE"]
PERIOD = _L["PERIOD"]
PERIOD_START = _L["PERIOD_START"]
PERIOD_END = _L["PERIOD_END"]
FREQUENCY = _L["FREQUENCY"]
EMPLOYER = _L["EMPLOYER"]
EMPLOYEE = _L["EMPLOYEE"]
OPENING = _L["OPENING"]
CLOSING = _L["CLOSING"]
CARRIED = _L["CARRIED"]
TOTAL_DEPOSITS = _L["TOTAL_DEPOSITS"]
TOTAL_WITHDRAWALS = _L["TOTAL_WITHDRAWALS"]
STATEMENT_PERIOD = _L["STATEMENT_PERIOD"]
HOLDER = _L["HOLDER"]
ID_NAME = _L["ID_NAME"]
STOPS = _labels(*(s for k in STOP_PARTS for s in _L[k]), *_V.stop_extra)

# Column headers of transaction tables (in the file's order: the first that matches wins).
COL_DATE = tuple(_V.columns["date"])
COL_DESC = tuple(_V.columns["desc"])
COL_DEBIT = tuple(_V.columns["debit"])
COL_CREDIT = tuple(_V.columns["credit"])
COL_AMOUNT = tuple(_V.columns["amount"])
COL_BALANCE = tuple(_V.columns["balance"])

# Document kinds from compact text: each hit counts once.
PAYSTUB_WORDS = tuple(_V.paystub_words)
BANK_WORDS = tuple(_V.bank_words)
LETTER_WORDS = tuple(_V.letter_words)
ID_WORDS = tuple(_V.id_words)

# Employment letters' table labels; YTD and current-period column headers of pay stubs.
LETTER_SALARY = tuple(_V.letter_salary)
LETTER_START = tuple(_V.letter_start)
YTD_MARKS = tuple(_V.ytd_marks)
CURRENT_HEADERS = tuple(_V.current_headers)

# Statutory contribution lines (CPP, EI, Social Security, …): (label, kind), longest label first so
# "cpp2" is not read as "cpp" and "ficamedicare" not as "fica".
WITHHOLDING = tuple(
    sorted(((s, k) for k, v in _V.withholding.items() for s in set(v)), key=lambda p: (-len(p[0]), p[0]))
)

# Single words that head a table column; any other label splits a run of words only when it is
# two words or more ("Pay date"), so a name like "Harbourfront Dental Group" is never cut.
SINGLE_SPLIT = frozenset(_V.single_split)

# Labels and column headers that start a new cell even when set close to the text before them
# (a tightly spaced table's header row comes out as one run of words). Not ID_NAME: ID cards only.
SPLIT_PHRASES = frozenset(
    p
    for p in (
        *(s for k in LABEL_LISTS if k != "ID_NAME" for s in _L[k]),
        *STOPS,
        *(s for c in COLUMNS for s in _V.columns[c]),
        *_V.split_extra,
    )
    if len(p) >= 5
)
