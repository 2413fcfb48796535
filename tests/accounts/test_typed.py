"""Numbers and dates are read from ASCII digits only (issue 8, item 8)."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.typed import ascii_int, day_from_text, is_ascii_digits


@pytest.mark.parametrize("text", ["", "12a", "٣", "३", "²", "4²", "１２", "-1", "+1", "1 2", "1.0"])
def test_only_ascii_digits_are_digits(text):
    assert not is_ascii_digits(text)
    assert ascii_int(text) is None


def test_ascii_int_bounds_the_digits():
    assert ascii_int(" 40 ") == 40
    assert ascii_int("9" * 18) == int("9" * 18)
    assert ascii_int("9" * 19) is None
    assert ascii_int("9" * 5000) is None
    assert ascii_int(10**18) is None and ascii_int(-1) is None
    assert ascii_int(True) is None and ascii_int(3.0) is None and ascii_int(None) is None


@pytest.mark.parametrize("text", ["2025-13-01", "2025-02-30", "2025-1-1", "٢٠٢٥-١٠-٣١", "2025-10-31\n", "x", ""])
def test_impossible_or_odd_days_are_none(text):
    assert day_from_text(text) is None


def test_a_day():
    assert day_from_text("2025-10-31") == date(2025, 10, 31)
