"""Draw the LeaseLab Desktop app icon once, then derive every icon format from it.

The one source is the drawing below (a Pillow-drawn 1024 px master). From it this script writes,
into ``resources/icons/`` (or ``--out``):

* ``app.png``             the 1024 px master
* ``app-<N>.png``         N in 16, 24, 32, 48, 64, 128, 256, 512 (window icon, Linux .desktop)
* ``app.ico``             Windows: 16-256 px frames (exe icon, installer, shortcuts)
* ``app.icns``            macOS: 16-1024 px (the .app bundle)

Output is deterministic for a given Pillow version, so re-running it does not dirty the tree.
Usage: ``python packaging/make_icons.py [--out DIR] [--check]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "resources" / "icons"
MASTER = 1024
SUPERSAMPLE = 2  # draw at 2048 px and shrink: Pillow's primitives have no anti-aliasing
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)

TOP = (20, 92, 168)  # gradient top: deep blue
BOTTOM = (24, 160, 150)  # gradient bottom: teal
WHITE = (255, 255, 255, 255)
ACCENT = (255, 196, 61, 255)  # the check mark


def _gradient(size: int) -> Image.Image:
    column = Image.new("RGBA", (1, size))
    for y in range(size):
        t = y / (size - 1)
        rgb = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        column.putpixel((0, y), (*rgb, 255))
    return column.resize((size, size), Image.Resampling.NEAREST)


def draw_master() -> Image.Image:
    """The app icon: a white house on a blue-teal rounded square, with a gold check mark."""
    s = MASTER * SUPERSAMPLE

    def u(v: float) -> int:  # design units are 0..1000 of the canvas
        return round(v * s / 1000)

    canvas = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    # Rounded-square plate (macOS-style margin so it sits well next to other apps).
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle((u(60), u(60), u(940), u(940)), radius=u(200), fill=255)
    shadow = mask.filter(ImageFilter.GaussianBlur(u(18)))
    shadow_layer = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    shadow_layer.putalpha(shadow.point(lambda a: a * 90 // 255))
    canvas.alpha_composite(shadow_layer, (0, u(12)))
    plate = _gradient(s)
    plate.putalpha(mask)
    canvas.alpha_composite(plate)

    d = ImageDraw.Draw(canvas)
    # House: roof triangle, body, door cut-out.
    d.polygon([(u(500), u(200)), (u(800), u(470)), (u(200), u(470))], fill=WHITE)
    d.rectangle((u(270), u(440), u(730), u(790)), fill=WHITE)
    d.rectangle((u(640), u(240), u(710), u(400)), fill=WHITE)  # chimney
    door = (u(445), u(600), u(555), u(790))
    d.rounded_rectangle(door, radius=u(20), fill=(*TOP, 255))
    # Check mark badge, bottom right: the evaluated applicant.
    cx, cy, r = u(735), u(735), u(150)
    d.ellipse((cx - r - u(18), cy - r - u(18), cx + r + u(18), cy + r + u(18)), fill=WHITE)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ACCENT)
    tick = [(cx - u(78), cy + u(2)), (cx - u(20), cy + u(62)), (cx + u(86), cy - u(60))]
    d.line(tick, fill=WHITE, width=u(42), joint="curve")
    for x, y in (tick[0], tick[2]):
        d.ellipse((x - u(21), y - u(21), x + u(21), y + u(21)), fill=WHITE)

    return canvas.resize((MASTER, MASTER), Image.Resampling.LANCZOS)


def icon_files(out: Path) -> list[Path]:
    names = ["app.png", "app.ico", "app.icns", *(f"app-{n}.png" for n in PNG_SIZES)]
    return [out / n for n in names]


def write_icons(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    master = draw_master()
    master.save(out / "app.png", optimize=True)
    for n in PNG_SIZES:
        master.resize((n, n), Image.Resampling.LANCZOS).save(out / f"app-{n}.png", optimize=True)
    master.save(out / "app.ico", format="ICO", sizes=[(n, n) for n in ICO_SIZES])
    frames = [master.resize((n, n), Image.Resampling.LANCZOS) for n in ICNS_SIZES[:-1]]
    master.save(out / "app.icns", format="ICNS", append_images=frames)
    return icon_files(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--check", action="store_true", help="only verify that every icon file exists; exit 1 if not"
    )
    args = parser.parse_args(argv)
    if args.check:
        missing = [p for p in icon_files(args.out) if not p.is_file()]
        for p in missing:
            print(f"missing icon: {p}", file=sys.stderr)
        return 1 if missing else 0
    for p in write_icons(args.out):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
