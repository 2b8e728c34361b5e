"""Identity cards drawn with Pillow (CR80 proportions at 300 dpi), four fictional designs.

They imitate the structure of real cards (banner, portrait, labelled fields, card number, expiry)
but carry a SAMPLE mark and no real security features: they exist to be photographed and read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .data import Person

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for d in FONT_DIRS:
        if (d / name).exists():
            return ImageFont.truetype(str(d / name), size)
    raise FileNotFoundError(f"{name}: apt-get install fonts-dejavu-core fonts-liberation2")


@dataclass(frozen=True)
class Card:
    design: str
    person: Person
    number: str
    born: date
    expires: date


DESIGNS = {
    # banner text, banner colour, body colour, name label, date format, bold font, regular font
    "id_on_licence": (
        "ONTARIO  DRIVER'S LICENCE  (SAMPLE)",
        (22, 92, 60),
        (226, 238, 230),
        "NAME",
        "%Y/%m/%d",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans.ttf",
    ),
    "id_qc_permis": (
        "QUÉBEC  PERMIS DE CONDUIRE  (SPÉCIMEN)",
        (24, 62, 140),
        (226, 233, 246),
        "NOM / NAME",
        "%Y-%m-%d",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Regular.ttf",
    ),
    "id_il_state": (
        "ILLINOIS  STATE IDENTIFICATION CARD  SAMPLE",
        (150, 30, 40),
        (245, 232, 226),
        "NAME",
        "%m/%d/%Y",
        "DejaVuSans-Bold.ttf",
        "DejaVuSansCondensed.ttf",
    ),
    "id_ca_pr_card": (
        "CANADA  PERMANENT RESIDENT CARD  SAMPLE",
        (120, 20, 30),
        (240, 240, 236),
        "SURNAME / NOM",
        "%d %b %Y",
        "LiberationSans-Bold.ttf",
        "LiberationSerif-Regular.ttf",
    ),
}


def draw_card(
    card: Card, *, name_override: str | None = None, name_font: str | None = None
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The card image and the pixel box of the name (for a pasted-patch forgery)."""
    banner, bcol, body, name_label, datefmt, bold, regular = DESIGNS[card.design]
    w, h = 1012, 638
    img = Image.new("RGB", (w, h), body)
    dr = ImageDraw.Draw(img)
    for i in range(0, h, 6):  # faint guilloche-like stripes
        dr.line([(0, i), (w, i + 40)], fill=tuple(max(0, c - 8) for c in body), width=1)
    dr.rectangle([0, 0, w, 86], fill=bcol)
    dr.text((28, 24), banner, font=font(bold, 30), fill=(255, 255, 255))
    # portrait: a neutral silhouette
    dr.rectangle([36, 120, 296, 460], fill=(196, 204, 212), outline=(90, 90, 90), width=2)
    dr.ellipse([106, 160, 226, 300], fill=(150, 156, 166))
    dr.ellipse([66, 300, 266, 520], fill=(150, 156, 166))
    dr.rectangle([36, 461, 296, 530], fill=body)
    lab = font(regular, 20)
    val = font(name_font or bold, 34)
    small = font(bold, 26)
    x = 330
    p = card.person
    name = name_override or (
        f"{p.last.upper()}, {p.first.upper()}"
        if card.design != "id_ca_pr_card"
        else f"{p.last.upper()} {p.first.upper()}"
    )
    dr.text((x, 110), name_label, font=lab, fill=(70, 70, 70))
    nb = dr.textbbox((x, 138), name, font=val)
    dr.text((x, 138), name, font=val, fill=(10, 10, 10))
    rows = [
        ("NO. / NUMBER", card.number),
        ("DOB / DDN", card.born.strftime(datefmt)),
        ("EXP", card.expires.strftime(datefmt)),
    ]
    if card.design != "id_ca_pr_card":
        rows.append(("ADDRESS", f"{p.street}, {p.city} {p.region} {p.postal}"))
    y = 210
    for label, value in rows:
        dr.text((x, y), label, font=lab, fill=(70, 70, 70))
        dr.text((x, y + 24), value, font=small if label != "ADDRESS" else font(regular, 22), fill=(10, 10, 10))
        y += 72
    dr.text((w - 180, h - 50), "SAMPLE", font=font(bold, 28), fill=tuple(max(0, c - 40) for c in body))
    pad = 6
    return img, (nb[0] - pad, nb[1] - pad, nb[2] + pad, nb[3] + pad)
