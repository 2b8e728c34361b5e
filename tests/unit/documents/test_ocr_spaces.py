"""Word spaces put back from the ink: lines drawn here with Pillow's own font (not the corpus
generator's), blurred and noisy like a photo, with the characters' centres taken from the font's
metrics. Words of capitals get their space back (lower case is left as read); a long word with open
letters (L, T) is not cut; light print on a dark band works; low contrast or centres that do not
match leave the text alone.
The last test runs the real OCR engine on a photographed card line."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from leaselab_desktop.screening.documents.ocr_spaces import with_word_spaces, word_gaps

PAD = 12


Line = tuple[Image.Image, str, tuple[float, ...]]


def _line(text: str, size: int = 30, ink: int = 25, paper: int = 232, seed: int = 0) -> Line:
    """The line as a photo crop, its text as a recogniser that drops spaces reads it, and the
    centre of each of those characters."""
    font = ImageFont.load_default(size=size)
    width = int(font.getlength(text)) + 2 * PAD
    img = Image.new("L", (width, int(size * 1.5)), paper)
    ImageDraw.Draw(img).text((PAD, size * 0.2), text, fill=ink, font=font)
    rng = np.random.default_rng(seed)
    blurred = np.asarray(img.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32)
    noisy = np.clip(blurred + rng.normal(0, 4, blurred.shape), 0, 255).astype(np.uint8)
    centres = tuple(
        PAD + (font.getlength(text[:i]) + font.getlength(text[: i + 1])) / 2 for i, ch in enumerate(text) if ch != " "
    )
    return Image.fromarray(noisy).convert("RGB"), text.replace(" ", ""), centres


@pytest.mark.parametrize("text", ["WHITFIELD DANIEL", "CASTELLANOS SOFIA", "PACIFIC CREST SOFTWARE, INC.",
                                  "ALVAREZ-MORENO LUIS", "BOW RIVER ENERGY SERVICES LTD."])
def test_words_in_capitals_get_their_space_back(text: str) -> None:
    crop, read, centres = _line(text)
    assert with_word_spaces(read, centres, crop) == text


@pytest.mark.parametrize("word", ["LITTLEFIELD", "TATTLETALE", "WALLFLOWER", "FILLETTI", "Mahmoud", "1,299.38",
                                  "1,211.00", "R4021-00411-21", "NETFLIX.COM", "Withdrawals(s)"])
def test_one_word_is_not_cut_at_its_open_letters(word: str) -> None:
    crop, read, centres = _line(word)
    assert with_word_spaces(read, centres, crop) == word


def test_light_print_on_a_dark_band() -> None:
    crop, read, centres = _line("PERMANENT RESIDENT CARD", ink=245, paper=120)
    assert with_word_spaces(read, centres, crop) == "PERMANENT RESIDENT CARD"


def test_spaces_already_read_are_kept_not_doubled() -> None:
    crop, _, centres = _line("WHITFIELD DANIEL")
    text = "WHITFIELD DANIEL"
    with_space = (*centres[:9], (centres[8] + centres[9]) / 2, *centres[9:])  # the space's own frame
    assert with_word_spaces(text, with_space, crop) == text


def test_no_contrast_or_mismatched_positions_leave_the_text_as_read() -> None:
    crop, read, centres = _line("WHITFIELD DANIEL", ink=200, paper=215)  # a washed-out photo
    assert word_gaps(crop) == []
    assert with_word_spaces(read, centres, crop) == read
    crop, read, centres = _line("WHITFIELD DANIEL")
    assert with_word_spaces(read, centres[:-1], crop) == read  # positions of another reading
    assert with_word_spaces(read, (), crop) == read
    assert with_word_spaces("", (), Image.new("RGB", (0, 0))) == ""


def test_the_engine_reads_a_photographed_card_name_with_its_space() -> None:
    pytest.importorskip("onnxruntime")
    from leaselab_desktop.screening.documents.ocr import read_page

    font = ImageFont.load_default(size=44)
    card = Image.new("RGB", (900, 260), (236, 230, 214))
    draw = ImageDraw.Draw(card)
    draw.text((40, 30), "SURNAME / NOM", fill=(90, 90, 90), font=ImageFont.load_default(size=22))
    draw.text((40, 70), "WHITFIELD DANIEL", fill=(15, 15, 15), font=font)
    draw.text((40, 150), "PACIFIC CREST SOFTWARE, INC.", fill=(15, 15, 15), font=font)
    rng = np.random.default_rng(3)
    pixels = np.asarray(card.rotate(1.2, expand=True, fillcolor=(120, 110, 100)).filter(ImageFilter.GaussianBlur(0.8)),
                        dtype=np.float32)
    photo = np.clip(pixels + rng.normal(0, 3, pixels.shape), 0, 255).astype(np.uint8)
    lines = read_page(photo).lines
    assert any("WHITFIELD DANIEL" in line for line in lines), lines
    assert any("PACIFIC CREST" in line for line in lines), lines


def test_lower_case_is_left_as_read() -> None:
    """A mixed-case label keeps the recogniser's reading even across a gap: spacing "GrossPay" on a
    steeply angled photo paired it with the amount of the row above (a false arithmetic flag)."""
    crop, read, centres = _line("Gross Pay")
    assert word_gaps(crop)  # the gap is there ...
    assert with_word_spaces(read, centres, crop) == "GrossPay"  # ... and deliberately not used
