"""Where a signal's evidence lies on its document (domain.evidence), from the texts the detectors
write and from structured page/box attributes; bad inputs give no mark, never an error."""

from __future__ import annotations

from leaselab_desktop.domain.evidence import EvidenceMark, mark_of, marks_for
from leaselab_desktop.domain.models import Signal


def _sig(evidence: str, document: str | None = "scan.jpg", **extra: object) -> Signal:
    sig = Signal(code="pasted_region", severity="low", document=document, evidence=evidence,
                 message="Part of the image looks pasted in.")
    for key, value in extra.items():
        object.__setattr__(sig, key, value)
    return sig


# the sentence image forensics writes (screening/signals/image_forensics.py), verbatim in shape
FORENSICS = ("The region x 120–480, y 300–360 (pixels of the upright image) has a noise level of 0.12 "
             "against 1.40 for the rest of the image.")


def test_the_pasted_region_sentence_gives_a_pixel_box() -> None:
    mark = mark_of(_sig(FORENSICS))
    assert mark == EvidenceMark(0, (120.0, 300.0, 480.0, 360.0), "px", "Part of the image looks pasted in.",
                                FORENSICS, "low")


def test_a_page_named_in_the_evidence_is_used() -> None:
    mark = mark_of(_sig("On page 3: the region x 1-20, y 5-9 (pixels of the page)."))
    assert mark is not None and mark.page == 2 and mark.box == (1.0, 5.0, 20.0, 9.0)


def test_structured_page_and_box_win_over_the_text() -> None:
    mark = mark_of(_sig(FORENSICS, page=1, box=(72, 100, 300, 130)))
    assert mark is not None and (mark.page, mark.box, mark.unit) == (1, (72.0, 100.0, 300.0, 130.0), "pt")


def test_no_region_or_a_broken_one_gives_no_mark() -> None:
    assert mark_of(_sig("ModDate is 40 days after CreationDate")) is None
    assert mark_of(_sig("The region x 480–120, y 300–360 (pixels of the upright image)")) is None  # inverted
    assert mark_of(_sig("The region x 5–5, y 1–9 (pixels")) is None  # empty
    assert mark_of(_sig("", page=0, box=("a", 1, 2, 3))) is None
    assert mark_of(_sig("", page="0", box=(0, 1, 2, 3))) is None
    assert mark_of(_sig("", page=0, box=(0, 1, 2))) is None


def test_marks_for_keeps_the_document_s_own_once() -> None:
    sigs = [_sig(FORENSICS), _sig(FORENSICS), _sig(FORENSICS, document="other.jpg"), _sig(FORENSICS, document=None),
            _sig("no place")]
    assert len(marks_for(sigs, "scan.jpg")) == 1
    assert marks_for(sigs, "missing.pdf") == []
