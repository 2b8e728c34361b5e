"""The statutory-withholding table: loads from wherever resources/ is, fails loudly when broken, and
its figures agree with each other (a maximum contribution is the rate on the maximum earnings above
the exemption), so a typo in one figure shows here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from leaselab_desktop.screening.statutory import StatutoryError, expected_range, load_statutory, statutory

FILE = Path(__file__).resolve().parents[3] / "resources" / "documents" / "statutory-withholding.json"


def test_every_year_holds_every_contribution_and_its_figures_agree() -> None:
    table = statutory()
    assert {"2025", "2026"} <= set(table.years)
    for year, kinds in table.years.items():
        assert set(kinds) == {"cpp", "qpp", "ei", "ei_quebec", "qpip", "social_security", "medicare"}, year
        for kind, c in kinds.items():
            assert 0 < c.rate < 0.1 and c.source, (year, kind)
            assert c.checked, f"{year} {kind}: check the figures against the source, then mark them checked"
            if c.max_earnings is None:
                assert c.max_contribution is None
                continue
            assert c.max_contribution is not None
            assert abs(c.rate * (c.max_earnings - c.basic_exemption) - c.max_contribution) < 0.01, (year, kind)
        assert kinds["qpp"].max_earnings == kinds["cpp"].max_earnings  # one MPE for both plans
        assert kinds["ei_quebec"].rate < kinds["ei"].rate


def test_the_range_of_a_pay_period() -> None:
    table = statutory()
    got = expected_range(table, "cpp", "2026", 2000.0, "biweekly")
    assert got is not None
    assert got.exemption == round(3500 / 26, 2)
    assert got.high == round(0.0595 * 2000 + table.tolerance.rounding, 2)
    assert 0 < got.low < 0.0595 * (2000 - 3500 / 26)  # tolerant: below the exact contribution
    assert expected_range(table, "cpp", "2019", 2000.0, "biweekly") is None
    assert expected_range(table, "cpp", "2026", 2000.0, "daily") is None


@pytest.mark.parametrize("content", ["{", "[]", json.dumps({"about": "x", "years": {}})])
def test_a_broken_table_raises_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "statutory-withholding.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StatutoryError, match="malformed"):
        load_statutory(path)
    with pytest.raises(StatutoryError, match="could not be read"):
        load_statutory(tmp_path / "missing.json")


def test_the_table_is_found_through_the_resources_locator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "documents").mkdir()
    data = json.loads(FILE.read_text(encoding="utf-8"))
    data["years"] = {"2031": data["years"]["2026"]}
    (tmp_path / "documents" / "statutory-withholding.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("LEASELAB_RESOURCES", str(tmp_path))
    assert set(load_statutory().years) == {"2031"}
    (tmp_path / "documents" / "statutory-withholding.json").unlink()
    with pytest.raises(StatutoryError, match=re.escape(str(tmp_path))):
        load_statutory()


def test_a_contribution_or_frequency_without_words_is_refused(tmp_path: Path) -> None:
    """The evidence names every contribution it checks and says how often the pay is: a kind added
    under ``years`` (or a frequency) without its words would otherwise fail mid-evaluation."""
    data = json.loads(FILE.read_text(encoding="utf-8"))
    del data["wording"]["names"]["qpip"]
    del data["wording"]["paid"]["monthly"]
    broken = tmp_path / "statutory-withholding.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StatutoryError, match=r"names for \['qpip'\] and words for \['monthly'\]"):
        load_statutory(broken)
