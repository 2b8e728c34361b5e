"""Where exports go (the Documents folder, with fallbacks) and "Show in folder" on each OS."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from leaselab_desktop.platforms import documents_dir, show_in_folder, show_in_folder_command


def test_the_toolkits_documents_folder_wins_when_it_exists(tmp_path: Path) -> None:
    docs = tmp_path / "Dokumente"
    docs.mkdir()
    assert documents_dir(known=docs, home=tmp_path) == docs


def test_a_missing_folder_falls_back_to_home_documents_then_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    none = lambda p: p == home / "Documents" and p.is_dir()  # noqa: E731  (platformdirs' answer ignored)
    assert documents_dir("win32", known=tmp_path / "gone", home=home, exists=none) == home
    (home / "Documents").mkdir()
    assert documents_dir("win32", known=tmp_path / "gone", home=home, exists=none) == home / "Documents"


def test_a_relative_answer_is_never_used(tmp_path: Path) -> None:
    # a relative folder would mean "the working directory": the bug this replaces
    assert documents_dir("win32", known="Documents", home=tmp_path, exists=lambda p: True) == tmp_path / "Documents"


@pytest.mark.parametrize(("platform", "want"), [
    ("win32", ["explorer", "/select,{}"]), ("darwin", ["open", "-R", "{}"]), ("linux", ["xdg-open", "{parent}"]),
])
def test_show_in_folder_selects_the_file(platform: str, want: list[str], tmp_path: Path) -> None:
    f = tmp_path / "compare report.pdf"
    f.write_bytes(b"%PDF-1.4\n")
    expected = [w.format(f, parent=tmp_path) for w in want]
    assert show_in_folder_command(f, platform) == expected
    ran: list[list[str]] = []

    def runner(argv: Sequence[str]) -> None:
        ran.append(list(argv))

    show_in_folder(f, platform, runner=runner)
    assert ran == [expected]


def test_show_in_folder_of_a_deleted_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        show_in_folder(tmp_path / "gone.pdf", "linux", runner=lambda _: pytest.fail("nothing to show"))
