"""Lines read with little confidence are read again from a tighter crop (``ocr._reread_weak``).

A detected box reaches past its line by design (DB's "unclip"). On single-spaced print the
neighbours' ascenders and descenders then fill the crop's top and bottom, and the recogniser loses
the line: the corpus's photographed employment letter read "ThisetteconfrmsthatPriyaaman...".
The crops here are drawn with Pillow's own font (not the corpus generator's), blurred and noised,
cut as loosely as the detector cuts them; the real recogniser reads them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

pytest.importorskip("onnxruntime")

from leaselab_desktop.screening.documents import ocr
from leaselab_desktop.screening.documents.ocr_models import Reading

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "files"
PARAGRAPH = (
    "standing and their employment is not under notice, and we are pleased",
    "This letter confirms that Priya Raman has been employed by Lakeshore Logistics",
    "Dispatcher, on a full-time, permanent basis, with an annual salary of",
)


def _middle_line(reach: float, size: int = 16) -> Image.Image:
    """The middle line of a single-spaced paragraph, its crop reaching ``reach`` of the text's
    height above and below it (the detector's boxes reach about 0.8)."""
    font = ImageFont.load_default(size=size)
    width = int(max(font.getlength(t) for t in PARAGRAPH)) + 40
    page = Image.new("L", (width, size * 3 + 40), 235)
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(PARAGRAPH):
        draw.text((20, 20 + i * size), text, fill=30, font=font)
    rng = np.random.default_rng(1)
    pixels = np.asarray(page.filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
    photo = Image.fromarray(np.clip(pixels + rng.normal(0, 5, pixels.shape), 0, 255).astype(np.uint8))
    top, bottom = 20 + size + 0.15 * size, 20 + size + 1.0 * size  # the middle line's ink
    margin = reach * (bottom - top)
    return photo.convert("RGB").crop((10, int(top - margin), width - 10, int(bottom + margin)))


@pytest.mark.parametrize("reach", [0.8, 0.9])
def test_a_line_lost_among_its_neighbours_is_read_again_tighter(reach: float) -> None:
    models = ocr.engine()
    crops = [_middle_line(reach)]
    recognised = models.recognise(crops)
    assert recognised[0].score < ocr.RETRY_SCORE  # the loose crop is lost: the case at hand
    assert "ThisletterconfirmsthatPriyaRaman" not in recognised[0].text.replace(" ", "")
    loose_height = crops[0].height

    ocr._reread_weak(models, crops, recognised)

    assert recognised[0].score >= 0.9
    assert "ThisletterconfirmsthatPriyaRaman" in recognised[0].text.replace(" ", "")
    assert crops[0].height < loose_height  # the tighter crop replaced it (word spaces use it)


def test_a_confident_line_is_left_as_read() -> None:
    models = ocr.engine()
    crops = [_middle_line(0.2)]
    recognised = models.recognise(crops)
    assert recognised[0].score >= ocr.RETRY_SCORE
    first_crop, first_reading = crops[0], recognised[0]
    ocr._reread_weak(models, crops, recognised)
    assert crops[0] is first_crop and recognised[0] is first_reading


class _Scripted:
    """The rule alone: a stand-in recogniser whose second readings are given (the real one is
    used above; here the point is only which reading is kept)."""

    def __init__(self, again: list[Reading]) -> None:
        self.again = again
        self.asked: list[int] = []

    def recognise(self, crops: list[Image.Image]) -> list[Reading]:
        self.asked.append(len(crops))
        return self.again[: len(crops)]


def test_the_second_reading_is_kept_only_when_clearly_more_confident() -> None:
    crops = [Image.new("RGB", (200, 40), "white") for _ in range(3)]
    first = [Reading("GOOD", 0.97), Reading("wek", 0.70), Reading("meh", 0.80)]
    recognised = list(first)
    scripted = _Scripted([Reading("weak", 0.95), Reading("mah", 0.82)])
    ocr._reread_weak(scripted, crops, recognised)  # type: ignore[arg-type]
    assert scripted.asked == [2]  # only the two weak lines were read again
    assert recognised == [first[0], Reading("weak", 0.95), first[2]]  # +0.25 kept, +0.02 not
    assert crops[1].height < 40 and crops[2].height == 40


@pytest.mark.parametrize(("first", "second", "kept"), [
    ("Priaunaldbfandui", "Priya's current annual base salary is $68,500.00", True),  # figures recovered
    ("Mar01Mar14", "Mar01-Mar14,2026", True),
    ("1,299.38", "1,299.38", True),
    ("1,299.38", "1.299.38", False),  # a comma's tail cut by the trim
    ("20,850.00FederalIncomeTax", "20.850.00Federal Income Tax", False),
    ("TREMBLAY,MARC-ANDRE", "TREMBLAY.MARC-ANDRE", False),
    ("933.60", "93.60", False),  # a digit lost
    ("", "anything", True),
])
def test_a_second_reading_keeps_the_figures_already_read(first: str, second: str, kept: bool) -> None:
    assert ocr._keeps_figures(first, second) is kept


def test_a_more_confident_reading_that_changes_a_figure_is_not_kept() -> None:
    crops = [Image.new("RGB", (200, 40), "white")]
    recognised = [Reading("1,299.38", 0.83)]
    ocr._reread_weak(_Scripted([Reading("1.299.38", 0.97)]), crops, recognised)  # type: ignore[arg-type]
    assert recognised == [Reading("1,299.38", 0.83)] and crops[0].height == 40


def test_thin_crops_are_not_trimmed() -> None:
    crops = [Image.new("RGB", (60, 8), "white")]
    recognised = [Reading("-", 0.3)]
    scripted = _Scripted([Reading("x", 0.99)])
    ocr._reread_weak(scripted, crops, recognised)  # type: ignore[arg-type]
    assert scripted.asked == [] and recognised == [Reading("-", 0.3)]


def test_the_photographed_letter_reads_its_applicant_and_salary() -> None:
    """End to end on the corpus's phone photo of a LibreOffice letter (perspective, lamp light,
    blur, JPEG): before the second reading its key sentence came out as letter soup."""
    photo = ImageOps.exif_transpose(Image.open(CORPUS / "scans" / "letter_en_docx_clean_a_photo.jpg"))
    text = "\n".join(ocr.read_page(np.asarray(photo.convert("RGB"))).lines).replace(" ", "")
    assert "PriyaRamanhasbeenemployedbyLakeshore" in text
    assert "$68,500.00" in text
