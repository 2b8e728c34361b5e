"""Pay-stub arithmetic (gross − deductions = net) and year-to-date continuity across stubs."""

from __future__ import annotations

import itertools

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.documents.parse_common import days_between
from leaselab_desktop.screening.facts import DocumentFacts, PayStub
from leaselab_desktop.screening.signals.common import money, signal

CENT_TOLERANCE = 0.015
YTD_TOLERANCE = 1.0


def paystub_arithmetic(doc: DocumentFacts) -> list[Signal]:
    stub = doc.pay_stub
    if stub is None or stub.gross is None or stub.net is None:
        return []
    if stub.deductions is None:
        if stub.net > stub.gross + CENT_TOLERANCE:
            return [
                signal(
                    "paystub_arithmetic", "high", doc,
                    f"Net pay {money(stub.net)} is larger than gross pay {money(stub.gross)}.",
                    "Net pay can never exceed gross pay.",
                )
            ]
        return []
    expected = round(stub.gross - stub.deductions, 2)
    off = round(stub.net - expected, 2)
    if abs(off) <= CENT_TOLERANCE:
        return []
    itemised = "deductions_source" in doc.metadata
    what = "the itemised deductions" if itemised else "deductions"
    return [
        signal(
            "paystub_arithmetic", "medium" if itemised else "high", doc,
            f"Gross {money(stub.gross)} − {what} {money(stub.deductions)} = {money(expected)}, "
            f"but net pay is printed as {money(stub.net)} (off by {money(abs(off))}).",
            "The pay stub's figures do not add up."
            + (" (No total deductions is printed: a non-deducted item may explain it.)" if itemised else ""),
        )
    ]


def _same_employer(a: PayStub, b: PayStub) -> bool:
    if not a.employer or not b.employer:
        return True
    return a.employer.strip().lower() == b.employer.strip().lower()


def ytd_discontinuity(docs: list[DocumentFacts]) -> list[Signal]:
    stubs = [
        (d, d.pay_stub)
        for d in docs
        if d.pay_stub is not None
        and d.pay_stub.ytd_gross is not None
        and d.pay_stub.gross is not None
        and (d.pay_stub.pay_date or d.pay_stub.period_end)
    ]
    stubs.sort(key=lambda item: str(item[1].pay_date or item[1].period_end))
    out: list[Signal] = []
    for (prev_doc, prev), (doc, cur) in itertools.pairwise(stubs):
        assert prev.ytd_gross is not None and cur.ytd_gross is not None and cur.gross is not None
        prev_day = prev.pay_date or prev.period_end
        cur_day = cur.pay_date or cur.period_end
        if not prev_day or not cur_day or prev_day[:4] != cur_day[:4] or not _same_employer(prev, cur):
            continue
        expected = round(prev.ytd_gross + cur.gross, 2)
        gap = days_between(prev_day, cur_day) or 0
        consecutive = gap <= 35
        off = round(cur.ytd_gross - expected, 2)
        if consecutive and abs(off) <= YTD_TOLERANCE:
            continue
        if not consecutive and cur.ytd_gross + YTD_TOLERANCE >= expected:
            continue  # stubs in between are missing: YTD may only grow by at least this gross
        severity = "high" if abs(off) > 0.1 * cur.gross else "medium"
        out.append(
            signal(
                "ytd_discontinuity", severity, doc,
                f"{prev_doc.file_name} ({prev_day}) shows YTD gross {money(prev.ytd_gross)}; "
                f"{doc.file_name} ({cur_day}) adds gross {money(cur.gross)}, so YTD should be "
                f"{money(expected)}, but it shows {money(cur.ytd_gross)} (difference {money(off)}).",
                "Year-to-date earnings do not follow from one pay stub to the next.",
            )
        )
    for doc, stub in stubs:
        assert stub.ytd_gross is not None and stub.gross is not None
        if stub.ytd_gross + YTD_TOLERANCE < stub.gross:
            out.append(
                signal(
                    "ytd_discontinuity", "medium", doc,
                    f"YTD gross {money(stub.ytd_gross)} is less than this period's gross "
                    f"{money(stub.gross)}.",
                    "Year-to-date earnings cannot be lower than one period's earnings.",
                )
            )
    return out
