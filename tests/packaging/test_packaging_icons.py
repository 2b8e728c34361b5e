"""The icon set is derived from one drawing into every format the installers need."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from PIL import Image


def test_writes_every_format_with_the_right_sizes(make_icons: ModuleType, tmp_path: Path) -> None:
    written = make_icons.write_icons(tmp_path)
    assert {p.name for p in written} == {p.name for p in tmp_path.iterdir()}

    master = Image.open(tmp_path / "app.png")
    assert master.size == (1024, 1024) and master.mode == "RGBA"
    for n in make_icons.PNG_SIZES:
        assert Image.open(tmp_path / f"app-{n}.png").size == (n, n)

    ico = Image.open(tmp_path / "app.ico")
    assert ico.format == "ICO"
    assert {s[0] for s in ico.info["sizes"]} == set(make_icons.ICO_SIZES)

    icns = Image.open(tmp_path / "app.icns")
    assert icns.format == "ICNS"
    assert max(icns.info["sizes"])[0] >= 512


def test_the_drawing_is_an_opaque_plate_with_transparent_corners(make_icons: ModuleType) -> None:
    img = make_icons.draw_master()
    alpha = img.getchannel("A")
    assert alpha.getpixel((5, 5)) == 0  # outside the rounded plate
    assert alpha.getpixel((512, 900)) == 255  # on the plate
    r, g, b, _ = img.getpixel((512, 600))  # the house is white
    assert min(r, g, b) > 240


def test_output_is_deterministic(make_icons: ModuleType, tmp_path: Path) -> None:
    make_icons.write_icons(tmp_path / "a")
    make_icons.write_icons(tmp_path / "b")
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_committed_icons_are_complete_and_check_mode_reports_gaps(
    make_icons: ModuleType, tmp_path: Path
) -> None:
    assert make_icons.main(["--check"]) == 0  # resources/icons/ as committed
    make_icons.write_icons(tmp_path)
    (tmp_path / "app.icns").unlink()
    assert make_icons.main(["--check", "--out", str(tmp_path)]) == 1
