"""One file in, ``DocumentFacts`` out. Never raises for bad input: errors become ``error`` fields."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from leaselab_desktop.screening.documents.analysis_store import AnalysisStore, analysis_key
from leaselab_desktop.screening.documents.image_extract import extract_image
from leaselab_desktop.screening.documents.image_forensics import inspect_image
from leaselab_desktop.screening.documents.layout import read_document
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS, Limits
from leaselab_desktop.screening.documents.ocr_intake import ocr_image, ocr_pdf
from leaselab_desktop.screening.documents.parse_bank import parse_bank_statement
from leaselab_desktop.screening.documents.parse_common import clean_person_name
from leaselab_desktop.screening.documents.parse_letter import classify, parse_letter
from leaselab_desktop.screening.documents.parse_paystub import monthly_from_stub, parse_paystub_detail
from leaselab_desktop.screening.documents.pdf_extract import extract_pdf
from leaselab_desktop.screening.documents.pdf_words import pdf_words
from leaselab_desktop.screening.documents.sniff import (
    IMAGE_FORMATS,
    SUPPORTED_FORMATS,
    format_from_name,
    is_mislabelled,
    sniff,
)
from leaselab_desktop.screening.documents.words import PageWords
from leaselab_desktop.screening.facts import DocumentFacts

CACHE_SIZE = 256  # analysed documents kept by content hash (re-evaluations skip re-parsing)
_cache: OrderedDict[tuple[object, ...], DocumentFacts] = OrderedDict()
_cache_lock = threading.Lock()
_inflight: dict[tuple[object, ...], threading.Event] = {}  # analyses running now, by cache key


def warm_up() -> None:
    """Import the PDF and image libraries ahead of the first evaluation (~0.25 s on first use);
    safe to call from a background thread at start-up."""
    import pdfplumber  # noqa: F401
    import PIL.Image  # noqa: F401
    import pypdf  # noqa: F401


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _cached(key: tuple[object, ...], file_id: str) -> DocumentFacts | None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit is None:
            return None
        _cache.move_to_end(key)
    return hit.model_copy(deep=True, update={"file_id": file_id})


def _remember(key: tuple[object, ...], facts: DocumentFacts) -> DocumentFacts:
    with _cache_lock:
        _cache[key] = facts.model_copy(deep=True)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return facts


def _hash_path(path: Path) -> tuple[str, str, int]:
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), md5.hexdigest(), size


def analyse_file(
    file_id: str,
    file_name: str,
    declared_type: str,
    data_or_path: bytes | Path | str,
    limits: Limits = DEFAULT_LIMITS,
    store: AnalysisStore | None = None,
) -> DocumentFacts:
    """Hash, sniff, extract and parse one document. Results are cached by content hash: in
    memory, and in ``store`` when given (then a document is parsed once, whichever process or
    thread asks first; a concurrent request for the same content waits for that analysis)."""
    data: bytes | None = None
    if isinstance(data_or_path, bytes | bytearray | memoryview):
        data = bytes(data_or_path)
    else:
        path = Path(data_or_path)
        try:
            if path.stat().st_size <= limits.max_bytes:
                data = path.read_bytes()
            else:
                sha, md5, size = _hash_path(path)
        except OSError as exc:
            return DocumentFacts(
                file_id=file_id, file_name=file_name, declared_type=declared_type,
                sha256="", md5="", size=0, error="corrupt",
                error_message=f"The file could not be opened ({exc.strerror or type(exc).__name__}).",
            )
    if data is not None:
        sha = hashlib.sha256(data).hexdigest()
        md5 = ""  # only needed for a new analysis (a cached one carries it)
        size = len(data)
    key = (sha, size, file_name, declared_type, limits)
    while True:
        hit = _cached(key, file_id)
        if hit is not None:
            return hit
        with _cache_lock:
            running = _inflight.get(key)
            if running is None and key not in _cache:
                done = _inflight[key] = threading.Event()
                break
        if running is not None:
            running.wait()  # the same content is being analysed (e.g. at intake): use its result
    try:
        stored_key = analysis_key(sha, size, file_name, declared_type, limits) if store is not None else ""
        facts = store.load(stored_key) if store is not None else None
        if facts is not None:
            facts.file_id = file_id
        else:
            if data is not None:
                md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
            facts = _analyse(file_id, file_name, declared_type, data, sha, md5, size, limits)
            if store is not None:
                store.save(stored_key, facts)
        return _remember(key, facts)
    finally:
        with _cache_lock:
            _inflight.pop(key, None)
        done.set()


def _analyse(
    file_id: str, file_name: str, declared_type: str, data: bytes | None, sha: str, md5: str,
    size: int, limits: Limits,
) -> DocumentFacts:
    facts = DocumentFacts(
        file_id=file_id, file_name=file_name, declared_type=declared_type or "other",
        sha256=sha, md5=md5, size=size, kind=declared_type or "other",
    )
    if size == 0:
        facts.detected_format = "empty"
        return _fail(facts, "empty", "The file is empty (0 bytes).")
    if size > limits.max_bytes or data is None:
        return _fail(
            facts, "oversized",
            f"The file is {size / 1048576:.1f} MiB; at most {limits.max_bytes / 1048576:.0f} MiB "
            "are analysed.",
        )
    fmt = sniff(data[:2048])
    facts.detected_format = fmt if fmt in SUPPORTED_FORMATS else "unknown"
    if fmt not in SUPPORTED_FORMATS:
        claimed = format_from_name(file_name)
        what = {"zip": "Office/ZIP file", "ole": "old Office file"}.get(fmt, "file")
        return _fail(
            facts, "unsupported",
            f"This {what} cannot be analysed"
            + (f" (named as {claimed})" if claimed and claimed != fmt else "")
            + ". Ask for a PDF, JPEG, PNG or HEIC.",
        )
    mislabel: str | None = None
    if is_mislabelled(file_name, fmt):
        claimed = format_from_name(file_name)
        facts.metadata["claimed_format"] = str(claimed)
        mislabel = f"The file is named as {claimed} but is really {fmt}; it was analysed as {fmt}."
    _extract(facts, fmt, data, limits)
    if mislabel:
        if facts.error is None:
            facts.error, facts.error_message = "mislabelled", mislabel
        else:
            facts.error_message = f"{mislabel} {facts.error_message}"
    return facts


def _fail(facts: DocumentFacts, error: str, message: str) -> DocumentFacts:
    facts.error = error
    facts.error_message = message
    return facts


def _extract(facts: DocumentFacts, fmt: str, data: bytes, limits: Limits) -> None:
    ocr_words: list[PageWords] = []  # OCR read these pages: the layout reader takes them as PDF words
    if fmt == "pdf":
        pdf = extract_pdf(data, limits)
        facts.pages, facts.text, facts.revisions = pdf.pages, pdf.text, pdf.revisions
        facts.metadata.update(pdf.metadata)
        facts.error, facts.error_message = pdf.error, pdf.error_message
        if pdf.error is None:
            ocr_words = ocr_pdf(facts, data)  # pages without a text layer (scans)
    elif fmt in IMAGE_FORMATS:
        img = extract_image(data, limits)
        facts.pages = img.pages
        facts.metadata.update(img.metadata)
        facts.error, facts.error_message = img.error, img.error_message
        if img.error is None:
            frames, ocr_words = ocr_image(facts, data, limits)
            if frames:
                facts.metadata.update(inspect_image(data, frames[0]))
        else:
            facts.metadata["text_layer"] = "none (the image could not be decoded)"
    else:  # text
        text = data.decode("utf-8", "replace")
        if len(text) > limits.max_text_chars:
            facts.metadata["text_truncated"] = f"first {limits.max_text_chars} characters analysed"
        facts.text = text[: limits.max_text_chars]
        facts.pages = 1
    if facts.text.strip():
        parse_content(facts)
    if fmt == "pdf" and facts.error is None:
        # a page read by OCR is read from its picture (its text layer is none, or a stamp on it)
        scanned = {p.page: p for p in ocr_words if p.words}
        pages = [scanned.pop(p.page, p) for p in pdf_words(data, limits)]
        pages += list(scanned.values())
        if any(p.words for p in pages):
            read_document(facts, pages)
        if pdf.earlier is not None:
            facts.original_values = _originals(facts, pdf.earlier, pdf.earlier_text, limits)
    elif fmt in IMAGE_FORMATS and any(p.words for p in ocr_words):
        read_document(facts, ocr_words)


_ORIGINAL_FIELDS: tuple[tuple[str, Callable[[DocumentFacts], object]], ...] = (
    ("gross", lambda f: f.pay_stub and f.pay_stub.gross),
    ("net", lambda f: f.pay_stub and f.pay_stub.net),
    ("deductions", lambda f: f.pay_stub and f.pay_stub.deductions),
    ("ytd_gross", lambda f: f.pay_stub and f.pay_stub.ytd_gross),
    ("pay_date", lambda f: f.pay_stub and f.pay_stub.pay_date),
    ("opening_balance", lambda f: f.bank_statement and f.bank_statement.opening_balance),
    ("closing_balance", lambda f: f.bank_statement and f.bank_statement.closing_balance),
    ("annual_salary", lambda f: f.stated_annual_salary),
    ("employer", lambda f: f.employer),
    ("name", lambda f: f.name_on_document),
)


def _originals(facts: DocumentFacts, earlier: bytes, text: str, limits: Limits) -> dict[str, float | str]:
    """The figures the earlier revision printed where they differ from this one's: what the
    document said before it was edited."""
    old = DocumentFacts(
        file_id=facts.file_id, file_name=facts.file_name, declared_type=facts.declared_type,
        sha256="", md5="", size=len(earlier), text=text,
    )
    if text.strip():
        parse_content(old)
    pages = pdf_words(earlier, limits)
    if any(p.words for p in pages):
        read_document(old, pages)
    out: dict[str, float | str] = {}
    for name, get in _ORIGINAL_FIELDS:
        before, now = get(old), get(facts)
        if isinstance(before, float | str) and before and before != now:
            out[name] = before
    return out


def parse_content(facts: DocumentFacts) -> None:
    """Fill kind, names, employer and figures from ``facts.text``."""
    text = facts.text
    facts.kind = classify(text, facts.declared_type)
    if facts.kind == "paystub":
        stub, name, itemised = parse_paystub_detail(text)
        if itemised:
            facts.metadata["deductions_source"] = "itemised lines (no total printed)"
        facts.pay_stub = stub if any(v is not None for v in stub.model_dump().values()) else None
        facts.employer = stub.employer
        facts.name_on_document = clean_person_name(name)
        facts.monthly_income_estimate = monthly_from_stub(stub)
    elif facts.kind == "bank_statement":
        statement, name, assistance = parse_bank_statement(text)
        has_figures = statement.transactions or statement.opening_balance is not None or (
            statement.closing_balance is not None
        )
        facts.bank_statement = statement if has_figures else None
        facts.name_on_document = clean_person_name(name)
        facts.monthly_income_estimate = statement.recurring_income_monthly
        facts.public_assistance_monthly = assistance
    elif facts.kind == "employment_letter":
        letter = parse_letter(text)
        facts.name_on_document = clean_person_name(letter.name)
        facts.employer = letter.employer
        facts.stated_annual_salary = letter.annual_salary
        facts.employment_start = letter.start
        if letter.annual_salary:
            facts.monthly_income_estimate = round(letter.annual_salary / 12, 2)
