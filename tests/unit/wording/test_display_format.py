"""One date, one date-and-time and one money format, in the system locale's way (babel, Qt-free)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from leaselab_desktop.domain.timefmt import (
    DisplayFormat,
    display_format,
    fmt_money,
    set_display_locale,
    use_system_locale,
)

WHEN = datetime(2026, 11, 25, 19, 55, 40, tzinfo=UTC)


@pytest.mark.parametrize(("locale", "day", "stamp", "money"), [
    ("en_US", "Nov 25, 2026", "Nov 25, 2026, 7:55\u202fPM", "$2,100.50"),
    ("en_GB", "25 Nov 2026", "25 Nov 2026, 19:55", "US$2,100.50"),
    ("de_DE", "25.11.2026", "25.11.2026, 19:55", "2.100,50\u00a0$"),
    ("fr_CA", "25 nov. 2026", "25 nov. 2026, 19 h 55", "2\u00a0100,50\u00a0$\u00a0US"),
])
def test_each_locale_reads_its_own_way(locale: str, day: str, stamp: str, money: str) -> None:
    f = DisplayFormat(locale, "USD", UTC)
    assert (f.date(WHEN), f.datetime(WHEN), f.money(2100.5)) == (day, stamp, money)


def test_local_zone_and_plain_dates() -> None:
    f = DisplayFormat("en_US", "USD", timezone(timedelta(hours=-5)))
    assert f.datetime(WHEN) == "Nov 25, 2026, 2:55\u202fPM"  # the agent's clock, not UTC
    assert f.date(date(2026, 3, 1)) == "Mar 1, 2026"
    assert (f.date(None), f.datetime(None), f.money(None)) == ("—", "—", "—")
    assert DisplayFormat("en_CA", "CAD", UTC).money(1850) == "$1,850.00"


@pytest.mark.parametrize("name", [None, "", "C", "POSIX", "C.UTF-8", "en_US_POSIX", "xx_YY", "no locale"])
def test_unset_or_unknown_locales_fall_back_to_en_us(name: str | None) -> None:
    assert set_display_locale(name).locale == "en_US"
    assert fmt_money(5200) == "$5,200.00"  # never the POSIX "$ 5200.00"


def test_the_system_locale_is_resolved_at_first_use() -> None:
    use_system_locale("de_DE")
    assert fmt_money(3) == "3,00\u00a0$" and display_format().locale == "de_DE"
    set_display_locale("en_US")


def test_system_names_are_understood() -> None:
    assert set_display_locale("de_DE.UTF-8").locale == "de_DE"
    assert set_display_locale("fr-CA").locale == "fr_CA"
    assert display_format().locale == "fr_CA"
    set_display_locale("en_US")


def test_a_locale_whose_data_is_not_bundled_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frozen app ships CLDR data for en/fr/es only (packaging/leaselab.spec): another system
    locale reads in en_US formats instead of failing."""
    from babel import localedata

    real = localedata.exists
    monkeypatch.setattr(localedata, "exists", lambda name: not name.startswith("de") and real(name))
    assert set_display_locale("de_DE.UTF-8").locale == "en_US"
    assert fmt_money(5200) == "$5,200.00"
    set_display_locale("en_US")
