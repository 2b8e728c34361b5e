"""Applicants for one unit side by side, as plain data (no Qt; the view, the PDF and the CLI read it).

``compare_applicants`` lines up 2-4 applicants' final decisions, scores, factors and signals, row by
row, marks the rows that differ, by how much, and explains each difference in one plain sentence.
Names come from the report vocabulary (``decision.words``) and the spec's signal meanings, so the
words are the card's and the compliance report's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from leaselab_desktop.domain.listing import place_text
from leaselab_desktop.domain.models import Evaluation, Factor, Lead, Override, Signal
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.wording import plain
from leaselab_desktop.reports.decision import FinalDecision, final_decision, words

MIN_APPLICANTS, MAX_APPLICANTS = 2, 4
_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
NOT_SCORED = "—"

RowKind = Literal["summary", "factor", "signal"]


class SelectionProblem(ValueError):
    """Why these leads cannot be compared, in a sentence an agent can act on."""


@dataclass(frozen=True)
class Applicant:
    lead: Lead
    evaluation: Evaluation | None = None
    overrides: Sequence[Override] = ()

    @property
    def name(self) -> str:
        return self.lead.full_name or self.lead.id

    @property
    def decision(self) -> FinalDecision | None:
        return final_decision(self.evaluation, self.overrides) if self.evaluation else None


@dataclass(frozen=True)
class Row:
    kind: RowKind
    code: str
    title: str
    cells: tuple[str, ...]  # what each applicant shows, in the applicants' order
    differs: bool
    spread: float | None = None  # factors and the score: most minus fewest points
    explanation: str = ""  # one plain sentence when the row differs


@dataclass(frozen=True)
class Comparison:
    applicants: tuple[Applicant, ...]
    rows: tuple[Row, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.applicants)

    @property
    def unit(self) -> str:
        lead = self.applicants[0].lead
        return place_text(lead.property_name or lead.property_id or "", lead.unit_name or lead.unit_id or "")

    @property
    def differences(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.differs)


def selection_problem(
    names: Sequence[str], unit_ids: Sequence[str | None], places: Sequence[str] = (),
) -> str | None:  # fmt: skip
    """None when these leads can be compared; otherwise what is wrong and what to do (``places``:
    each lead's "property · unit", to name the units that were mixed)."""
    n = len(names)
    if n < MIN_APPLICANTS:
        return "Select at least two applicants for the same unit to compare them."
    if n > MAX_APPLICANTS:
        return f"Select at most {MAX_APPLICANTS} applicants to compare: {n} are selected."
    missing = [nm for nm, u in zip(names, unit_ids, strict=True) if not u]
    if missing:
        return f"{_join(missing)} applied for no particular unit, so there is nothing to compare them on."
    if len(set(unit_ids)) > 1:
        which = f" ({_join(sorted(set(places)))})" if places and len(set(places)) > 1 else ""
        return (f"These applicants applied for different units{which}. Compare applicants for one unit: "
                "select only leads with the same property and unit.")
    return None


def compare_applicants(applicants: Sequence[Applicant]) -> Comparison:
    """Raises ``SelectionProblem`` for fewer than two, more than four, or mixed units."""
    places = [place_text(a.lead.property_name or a.lead.property_id or "", a.lead.unit_name or a.lead.unit_id or "")
              for a in applicants]
    problem = selection_problem([a.name for a in applicants], [a.lead.unit_id for a in applicants], places)
    if problem:
        raise SelectionProblem(problem)
    rows = [*_summary_rows(applicants), *_factor_rows(applicants), *_signal_rows(applicants)]
    return Comparison(tuple(applicants), tuple(rows))


# -- summary ------------------------------------------------------------------------------------
def _summary_rows(apps: Sequence[Applicant]) -> list[Row]:
    return [_decision_row(apps), _score_row(apps), _label_row(apps), _income_row(apps), _policy_row(apps)]


def _decision_row(apps: Sequence[Applicant]) -> Row:
    cells = []
    for a in apps:
        d = a.decision
        cells.append("Not evaluated" if d is None else d.decision + (" (overridden)" if d.overridden else ""))
    differs = len(set(cells)) > 1
    text = ""
    if differs:
        text = "The decisions differ: " + "; ".join(f"{a.name}: {c.lower()}" for a, c in zip(apps, cells,
                                                                                          strict=True)) + "."
    return Row("summary", "decision", "Decision", tuple(cells), differs, explanation=text)


def _score_row(apps: Sequence[Applicant]) -> Row:
    scores = [a.evaluation.score if a.evaluation else None for a in apps]
    cells = tuple("—" if s is None else f"{s} / 100" for s in scores)
    known = [(s, a) for s, a in zip(scores, apps, strict=True) if s is not None]
    unscored = [a.name for s, a in zip(scores, apps, strict=True) if s is None]
    if unscored:
        return Row("summary", "score", "AI score", cells, True,
                   explanation=f"{_join(unscored)} {_has(unscored)} no evaluation yet, so only "
                               "the application can be compared; run an evaluation first.")
    hi, lo = max(known, key=lambda k: k[0]), min(known, key=lambda k: k[0])
    spread = float(hi[0] - lo[0])
    text = "" if not spread else (f"{hi[1].name} scores {spread:g} points more than {lo[1].name} "
                                  f"({hi[0]} against {lo[0]} out of 100).")
    return Row("summary", "score", "AI score", cells, bool(spread), spread, text)


def _label_row(apps: Sequence[Applicant]) -> Row:
    cells = tuple(a.evaluation.label if a.evaluation else "—" for a in apps)
    differs = len(set(cells)) > 1 and "—" not in cells
    text = ""
    if differs:
        text = "The labels differ: " + ", ".join(f"{a.name} {c}" for a, c in zip(apps, cells, strict=True)) + \
               " (A is the strongest)."
    return Row("summary", "label", "Label", cells, differs, explanation=text)


def _income_row(apps: Sequence[Applicant]) -> Row:
    ratios = [a.lead.rent_to_income for a in apps]
    cells = tuple("—" if r is None else f"{r:.0%} of income" for r in ratios)
    known = [(r, a) for r, a in zip(ratios, apps, strict=True) if r is not None]
    if len(known) < 2:
        return Row("summary", "rent_to_income", "Rent-to-income", cells, False)
    lo, hi = min(known, key=lambda k: k[0]), max(known, key=lambda k: k[0])
    spread = round((hi[0] - lo[0]) * 100)
    text = "" if not spread else (f"The rent takes {hi[0]:.0%} of {hi[1].name}'s stated income and "
                                  f"{lo[0]:.0%} of {lo[1].name}'s: a lower share is easier to afford.")
    return Row("summary", "rent_to_income", "Rent-to-income", cells, bool(spread), float(spread), text)


def _policy_row(apps: Sequence[Applicant]) -> Row:
    cells = tuple(a.evaluation.policy_line.removeprefix("Policy ") if a.evaluation else "—" for a in apps)
    scored = {c for c in cells if c != "—"}
    differs = len(scored) > 1
    text = ("They were scored under different policies, so some points are not comparable: re-evaluate "
            "the older ones to score everyone alike.") if differs else ""
    return Row("summary", "policy", "Policy", cells, differs, explanation=text)


# -- factors ------------------------------------------------------------------------------------
def _factor_rows(apps: Sequence[Applicant]) -> list[Row]:
    codes = _codes_in_order([f.code for a in apps if a.evaluation for f in a.evaluation.factors])
    return [_factor_row(code, [_factor_of(a, code) for a in apps], apps) for code in codes]


def _factor_of(a: Applicant, code: str) -> Factor | None:
    if a.evaluation is None:
        return None
    return next((f for f in a.evaluation.factors if f.code == code), None)


def _factor_row(code: str, factors: list[Factor | None], apps: Sequence[Applicant]) -> Row:
    title = words(code)
    cells = tuple(NOT_SCORED if f is None else f"{f.points:g} / {f.max_points:g}" for f in factors)
    scored = [(f, a) for f, a in zip(factors, apps, strict=True) if f is not None]
    missing = [a.name for f, a in zip(factors, apps, strict=True) if f is None]
    unscored = (f"{_join(missing)} {_was(missing)} not scored on {title.lower()} (no evaluation yet, or a policy "
                "without this factor), so that factor cannot be compared for them") if missing else ""
    if len(scored) < 2:
        return Row("factor", code, title, cells, True, explanation=unscored + ".")
    hi, lo = max(scored, key=lambda s: s[0].points), min(scored, key=lambda s: s[0].points)
    spread = hi[0].points - lo[0].points
    if not spread:
        return Row("factor", code, title, cells, bool(missing), 0.0, unscored + "." if missing else "")
    reason = _first_sentence(lo[0].explanation)
    why = f": for {lo[1].name} the evaluation recorded “{reason}”" if reason else ""
    text = (f"{hi[1].name} gets {spread:g} more points than {lo[1].name} for {title.lower()} "
            f"({hi[0].points:g} against {lo[0].points:g} of {lo[0].max_points:g}){why}")
    return Row("factor", code, title, cells, True, spread, text + (f"; {unscored}." if missing else "."))


# -- signals ------------------------------------------------------------------------------------
def _signal_rows(apps: Sequence[Applicant]) -> list[Row]:
    codes = _codes_in_order([s.code for a in apps if a.evaluation for s in a.evaluation.signals])
    return [_signal_row(code, [_worst_signal(a, code) for a in apps], apps) for code in codes]


def _worst_signal(a: Applicant, code: str) -> Signal | None:
    found = [s for s in (a.evaluation.signals if a.evaluation else []) if s.code == code]
    return max(found, key=lambda s: _SEVERITY_RANK.get(s.severity, 0)) if found else None


def _signal_row(code: str, signals: list[Signal | None], apps: Sequence[Applicant]) -> Row:
    title = words(code)
    cells = tuple("none" if s is None else f"{s.severity} concern" for s in signals)
    if len(set(cells)) == 1:
        return Row("signal", code, title, cells, False)
    has = [(s, a) for s, a in zip(signals, apps, strict=True) if s is not None]
    lacks = [a.name for s, a in zip(signals, apps, strict=True) if s is None]
    meaning = _meaning(code)
    if lacks:
        who = _join([a.name for _, a in has])
        sev = _join(sorted({s.severity for s, _ in has}, key=lambda v: _SEVERITY_RANK.get(v, 0)))
        text = (f"{who} {_has([a.name for _, a in has])} a {sev} “{title.lower()}” concern that {_join(lacks)} "
                f"{_does(lacks)} not: {meaning}")
    else:
        each = ", ".join(f"{a.name}'s is {s.severity}" for s, a in has)
        text = f"Everyone has a “{title.lower()}” concern but {each}: {meaning}"
    return Row("signal", code, title, cells, True, explanation=text)


def _meaning(code: str) -> str:
    spec = load_spec().signals.get(code)
    meaning = spec.meaning if spec else "a document check raised it."
    meaning = _lower_first(meaning)
    return meaning if meaning.endswith(".") else meaning + "."


# -- words --------------------------------------------------------------------------------------
def _codes_in_order(codes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _first_sentence(text: str) -> str:
    """A recorded reason's first sentence, without its final stop (it is quoted inside ours)."""
    return re.split(r"(?<=[.;!?])\s+", plain(text).strip(), maxsplit=1)[0].rstrip(".;!? ")


def _lower_first(text: str) -> str:
    """'The file…' -> 'the file…', but 'PDF producer…' stays (an acronym or a name)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _has(names: Sequence[str]) -> str:
    return "has" if len(names) == 1 else "have"


def _was(names: Sequence[str]) -> str:
    return "was" if len(names) == 1 else "were"


def _does(names: Sequence[str]) -> str:
    return "does" if len(names) == 1 else "do"
