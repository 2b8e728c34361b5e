"""Employment letters, English and French: prose ("Nous attestons que … est à l'emploi de …") and
verification tables (Employee | Jordan Okafor, Annual base salary | $91,000.00)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.heads import letterhead
from leaselab_desktop.screening.documents.layout.lines import Line
from leaselab_desktop.screening.documents.layout.pairing import Found, find_amount, find_dates, find_text
from leaselab_desktop.screening.documents.layout.text import dates_in, find_amounts, fold
from leaselab_desktop.screening.documents.parse_letter import parse_letter
from leaselab_desktop.screening.facts import FactSource

_NAME = r"([A-ZÀ-Ý][\w'’.\-]+(?:\s+[A-ZÀ-Ý][\w'’.\-]*){0,3})"
_FR_NAME = re.compile(
    rf"(?:attestons|certifions|confirmons|atteste|certifie|confirme)\s+(?:par\s+la\s+pr[ée]sente\s+)?"
    rf"que\s+(?:(?:M\.|Mme|Madame|Monsieur)\s+)?{_NAME}\s*,?\s+(?:est|occupe|travaille|a\s+[ée]t[ée])"
)
_FR_EMPLOYER = re.compile(
    r"(?:à\s+l['’]emploi\s+de|employée?\s+(?:par|chez)|au\s+service\s+de)\s+"
    r"([A-ZÀ-Ý][\w&.,'’\- ]{1,80}?)\s+(?:depuis|à\s+titre|en\s+tant|comme|,)"
)
# OCR drops the spaces of prose: "ThisletterconfirmsthatPriyaRamanhasbeenemployedby…"
_RUN_NAME = re.compile(
    r"(?:confirms|certifies|verifies|attests|attestonsque|confirmonsque)(?:that)?"
    r"((?:[A-ZÀ-Ý][a-zà-ÿ'’\-]+?){2,4}?)(?=hasbeen|isemployed|isa|wasemployed|washired|began|started"
    r"|joined|est[àa]l|estemploy|occupe|travaille)"  # OCR drops accents too
)
_SALARY = re.compile(r"salaire\s*annuel|annual\s*(?:base\s*)?(?:salary|compensation|pay)|base\s*salary"
                     r"|r[ée]mun[ée]ration\s*annuelle|traitement\s*annuel", re.IGNORECASE)
_START = re.compile(r"depuis\s+le|date\s+d['’]embauche|date\s+of\s+hire|hire\s+date|start\s+date"
                    r"|since|effective", re.IGNORECASE)
SALARY_LABELS = vocab.LETTER_SALARY
START_LABELS = vocab.LETTER_START


@dataclass
class LetterReading:
    name: str | None = None
    employer: str | None = None
    annual_salary: float | None = None
    start: str | None = None
    sources: dict[str, FactSource] = field(default_factory=dict)


def read_letter(lines: Sequence[Line], text: str) -> LetterReading:
    prose = parse_letter(text)
    flat = " ".join(ln.strip() for ln in text.splitlines())
    out = LetterReading(prose.name, prose.employer, prose.annual_salary, prose.start)

    def take(name: str, found: Found | None) -> object:
        if found is None:
            return None
        out.sources[name] = found.source()
        return found.value

    labelled = take("name", find_text(lines, vocab.EMPLOYEE, stop=vocab.STOPS))
    m = _FR_NAME.search(flat)
    run = _RUN_NAME.search(flat.replace(" ", ""))
    out.name = (labelled if isinstance(labelled, str) else None) or out.name or (
        m.group(1).strip(" .,") if m else None) or (run.group(1) if run else None)
    employer = take("employer", find_text(lines, vocab.EMPLOYER, stop=vocab.STOPS))
    m = _FR_EMPLOYER.search(flat)
    head = letterhead(lines)
    out.employer = (employer if isinstance(employer, str) else None) or out.employer or (
        m.group(1).strip(" ,") if m else None) or (head.value if head and isinstance(head.value, str) else None)
    salary = take("annual_salary", find_amount(lines, SALARY_LABELS))
    out.annual_salary = abs(salary) if isinstance(salary, float) and abs(salary) >= 1000 else (
        out.annual_salary or _after_words(flat, _SALARY))
    start = take("start", find_dates(lines, START_LABELS))
    out.start = (start[0] if isinstance(start, list) and start else None) or out.start or _date_after(flat)
    return out


def _after_words(flat: str, rx: re.Pattern[str]) -> float | None:
    """The first amount within 60 characters after a salary phrase ("… de base est de 78 900,00 $")."""
    m = rx.search(fold(flat))
    if not m:
        return None
    found = find_amounts(flat[m.end(): m.end() + 60])
    return abs(found[0][0]) if found and abs(found[0][0]) >= 1000 else None


def _date_after(flat: str) -> str | None:
    m = _START.search(fold(flat))
    if not m:
        return None
    found = dates_in(flat[m.end(): m.end() + 40])
    return found[0] if found else None
