"""Text helpers for layout reading: folding for space-free label matching, amounts in English and
French-Canadian notation, and dates (ISO, numeric, English and French month names).

OCR often drops spaces ("GrossPay", "2026-09-01to2026-09-30"), so nothing here relies on ``\\b``
between letters and digits: numbers are delimited by "not a digit" look-arounds instead.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import date

# Numeric dates are d/m/Y (Canadian) unless the document itself shows m/d/Y ("11/14/2026");
# read_document sets this for the document being read.
DATE_ORDER: ContextVar[str] = ContextVar("DATE_ORDER", default="dmy")

# Length-preserving accent folding (positions in the folded string match the original).
_FOLD = str.maketrans(
    "àâäáãåéèêëíìîïóòôöõúùûüçñÀÂÄÁÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÇÑ’‘−–—\u00a0\u202f\u2009",
    "aaaaaaeeeeiiiiooooouuuucnaaaaaaeeeeiiiiooooouuuucn''---   ",
)


def fold(text: str) -> str:
    """Lower case without accents, typographic quotes/dashes/spaces made plain; same length."""
    return text.translate(_FOLD).lower()


def compact(text: str) -> str:
    """Folded letters and digits only: "Salaire brut :" → "salairebrut"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("jan", "january", "janv", "janvier"), ("feb", "february", "fev", "fevr", "fevrier"),
        ("mar", "march", "mars"), ("apr", "april", "avr", "avril"), ("may", "mai"),
        ("jun", "june", "juin"), ("jul", "july", "juil", "juillet"), ("aug", "august", "aout"),
        ("sep", "sept", "september", "septembre"), ("oct", "october", "octobre"),
        ("nov", "november", "novembre"), ("dec", "december", "decembre"),
    ],
    start=1,
):
    for _n in _names:
        _MONTHS[_n] = _i
_MON = MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))  # folded (no accents)

_DATE_RE = re.compile(
    r"(?<!\d)(?P<y1>(?:19|20)\d{2})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})(?!\d)"
    rf"|(?:(?<![a-z])|(?<=to)|(?<=au)|(?<=du)|(?<=le))(?P<mon2>{_MON})\.?[\s-]*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[,.]?[\s-]*(?P<y2>(?:19|20)\d{{2}})(?!\d)"
    rf"|(?<!\d)(?P<d3>\d{{1,2}})(?:er)?[\s-]*(?P<mon3>{_MON})\.?,?[\s-]*(?P<y3>(?:19|20)\d{{2}})(?!\d)"
    r"|(?<!\d)(?P<a4>\d{1,2})[/.-](?P<b4>\d{1,2})[/.-](?P<y4>(?:19|20)\d{2})(?!\d)",
)
_TO = r"\s*(?:to|-|au|a|through|thru|until)\s*"
# A range that prints its year (and maybe its month) once: "Sep 1 to Sep 30, 2026",
# "1 - 30 septembre 2026", "du 1er au 30 sept. 2026".
_RANGE_RE = re.compile(
    rf"(?<![a-z])(?P<ma>{_MON})\.?\s*(?P<da>\d{{1,2}})(?:st|nd|rd|th)?{_TO}(?:(?P<mb>{_MON})\.?\s*)?"
    rf"(?P<db>\d{{1,2}})(?:st|nd|rd|th)?[,.]?\s*(?P<y>(?:19|20)\d{{2}})(?!\d)"
    rf"|(?<!\d)(?P<da2>\d{{1,2}})(?:er)?\s*(?:(?P<ma2>{_MON})\.?\s*)?{_TO}(?P<db2>\d{{1,2}})\s*"
    rf"(?P<mb2>{_MON})\.?,?\s*(?P<y2>(?:19|20)\d{{2}})(?!\d)",
)


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """Every date in ``text`` as (ISO date, start, end); a range with one year gives two dates."""
    folded = fold(text)
    out: list[tuple[str, int, int]] = []
    for m in _RANGE_RE.finditer(folded):
        g = m.group
        if g("y"):
            y, ma, mb, da, db = g("y"), g("ma"), g("mb") or g("ma"), g("da"), g("db")
        else:
            y, ma, mb, da, db = g("y2"), g("ma2") or g("mb2"), g("mb2"), g("da2"), g("db2")
        first, last = _iso(int(y), _MONTHS[ma], int(da)), _iso(int(y), _MONTHS[mb], int(db))
        if first and last and first <= last:
            out += [(first, m.start(), m.end()), (last, m.start(), m.end())]
            folded = folded[: m.start()] + "#" * (m.end() - m.start()) + folded[m.end():]
    for m in _DATE_RE.finditer(folded):
        iso = _to_iso(m)
        if iso:
            out.append((iso, m.start(), m.end()))
    return sorted(out, key=lambda d: d[1])


_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](?:19|20)\d{2}(?!\d)")


# Where a document is from, when its numeric dates do not say: a US state and ZIP code ("Dallas,
# TX 75226") or US payroll words, and no Canadian postal code ("M5S 1G2") or contribution words.
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|"
    "OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_US_ZIP_RE = re.compile(rf"(?<![A-Za-z])(?:{_US_STATES}),?\s+\d{{5}}(?:-\d{{4}})?(?!\d)")
_CA_POSTAL_RE = re.compile(
    r"(?<![A-Za-z0-9])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![A-Za-z0-9])"
)
_US_WORDS_RE = re.compile(r"\b(?:social ?security|medicare|fica|oasdi|401 ?\(?k\)?)(?![a-z])")
_CA_WORDS_RE = re.compile(r"\b(?:cpp|qpp|rrq|rqap|qpip|ei|employment ?insurance|assurance[- ]?emploi)\b")


def date_order(text: str) -> str:
    """ "mdy" when the text's numeric dates can only be month first, or, when none of them says
    (every day and month 12 or less: "03/12/2026"), when the document is from the United States;
    else "dmy"."""
    pairs = [(int(a), int(b)) for a, b in _NUMERIC_RE.findall(text)]
    if any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs):
        return "mdy"
    if pairs and not any(a > 12 or b > 12 for a, b in pairs) and _from_the_us(text):
        return "mdy"
    return "dmy"


def _from_the_us(text: str) -> bool:
    folded = fold(text)
    us = bool(_US_ZIP_RE.search(text) or _US_WORDS_RE.search(folded))
    canadian = bool(_CA_POSTAL_RE.search(text) or _CA_WORDS_RE.search(folded))
    return us and not canadian


def dates_in(text: str) -> list[str]:
    return [iso for iso, _, _ in find_dates(text)]


def _iso(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _to_iso(m: re.Match[str]) -> str | None:
    g = m.group
    try:
        if g("y1"):
            y, mo, d = int(g("y1")), int(g("m1")), int(g("d1"))
        elif g("mon2"):
            y, mo, d = int(g("y2")), _MONTHS[g("mon2")], int(g("d2"))
        elif g("mon3"):
            y, mo, d = int(g("y3")), _MONTHS[g("mon3")], int(g("d3"))
        else:
            a, b, y = int(g("a4")), int(g("b4")), int(g("y4"))
            if a > 12 or b > 12:
                d, mo = (a, b) if a > 12 else (b, a)
            else:
                d, mo = (b, a) if DATE_ORDER.get() == "mdy" else (a, b)
        return date(y, mo, d).isoformat()
    except (ValueError, KeyError):
        return None


# Money: English "1,234.56" / French "1 234,56" (space, no-break space or dot thousands). A bare
# whole number ("40" hours) is not money; whole amounts count only with thousands separators.
_MONEY_RE = re.compile(
    r"(?P<neg>-\s?)?(?P<po>\()?\s?(?:(?:ca|c|us)?\$\s?)?(?P<neg2>-)?"
    r"(?P<num>(?<![\d,.])(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+\.\d{2}|\d+\.\d{2}"
    r"|\d{1,3}(?:[ .]\d{3})+,\d{2}|\d+,\d{2})(?![\d]|[.,]\d))"
    r"(?P<pc>\))?(?P<trail>-(?!\d))?\s?(?:\$|cad|usd)?\s?(?:(?P<crdr>cr|dr)(?![a-z]))?",
)


def find_amounts(text: str) -> list[tuple[float, int, int]]:
    """Every money amount in ``text`` (dates skipped) as (signed value, start, end).

    Negative: a leading minus, parentheses, a trailing minus or a DR suffix. CR is positive."""
    folded = fold(text)
    for _, start, end in find_dates(text):
        folded = folded[:start] + "#" * (end - start) + folded[end:]
    out: list[tuple[float, int, int]] = []
    for m in _MONEY_RE.finditer(folded):
        raw = m.group("num")
        if "," in raw and (raw.rfind(",") > raw.rfind(".")) and len(raw) - raw.rfind(",") == 3:
            value = float(raw.replace(" ", "").replace(".", "").replace(",", "."))
        elif raw.count(".") >= 2:  # OCR read the thousands comma as a dot: "5.010.94"
            head, _, cents = raw.rpartition(".")
            value = float(head.replace(".", "") + "." + cents)
        else:
            value = float(raw.replace(",", ""))
        negative = bool(
            m.group("neg") or m.group("neg2") or m.group("trail") or m.group("crdr") == "dr"
            or (m.group("po") and m.group("pc"))
        )
        out.append((-value if negative else value, m.start("num"), m.end()))
    return out


def amounts_in(text: str) -> list[float]:
    return [v for v, _, _ in find_amounts(text)]


def is_amount_only(text: str) -> bool:
    """True when ``text`` is one amount and nothing else (currency and CR/DR allowed)."""
    found = find_amounts(text)
    if len(found) != 1:
        return False
    rest = compact(_MONEY_RE.sub("", fold(text)))
    return rest in ("", "cad", "usd", "ca", "us")


def uncamel(name: str) -> str:
    """ "PriyaRaman" → "Priya Raman" (OCR dropped the space); other text unchanged."""
    return re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý])", " ", name).strip()


# OCR reads the l of "ltée" (limitée) and of "lnc" as a capital I, or the I of "Inc" as an l
_OCR_SUFFIXES = ((re.compile(r"\b[Il1]t[ée]e\b", re.IGNORECASE), "ltée"), (re.compile(r"\b[l1]nc\b"), "Inc"))


def fix_legal_suffix(name: str) -> str:
    """ "Boulangerie Saint-Laurent Itée" → "… ltée", "Acme lnc." → "Acme Inc." (OCR misreads)."""
    for pattern, word in _OCR_SUFFIXES:
        name = pattern.sub(word, name)
    return name
