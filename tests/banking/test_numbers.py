"""Check digits: Verhoeff for Aadhaar and for our account numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banking.numbers import (
    aadhaar_mask,
    aadhaar_normalise,
    account_number_from_serial,
    account_number_valid,
    verhoeff_check_digit,
    verhoeff_valid,
)


def test_known_verhoeff_values():
    assert verhoeff_check_digit("236") == 3
    assert verhoeff_valid("2363") and not verhoeff_valid("2364")
    assert verhoeff_check_digit("12345") == 1


def test_aadhaar():
    assert aadhaar_normalise("2345 6789 0124") == "234567890124"
    assert aadhaar_normalise("2345-6789-0124") == "234567890124"
    assert aadhaar_normalise("234567890123") is None  # wrong check digit
    assert aadhaar_normalise("134567890124") is None  # never starts with 0 or 1
    assert aadhaar_normalise("23456789012") is None
    assert aadhaar_normalise("२३४५६७८९०१२४") is None  # digits, but not ASCII ones
    assert aadhaar_mask("0124") == "XXXX-XXXX-0124"


def test_account_numbers():
    number = account_number_from_serial(1)
    assert number == "100000000015"
    assert account_number_valid(number)
    assert not account_number_valid("100000000016")
    assert aadhaar_normalise(number) is None  # cannot be taken for an Aadhaar number
    with pytest.raises(ValueError):
        account_number_from_serial(0)


@given(st.integers(min_value=1, max_value=10**10 - 1), st.data())
def test_any_single_digit_error_or_neighbour_swap_is_caught(serial, data):
    number = account_number_from_serial(serial)
    assert account_number_valid(number)
    i = data.draw(st.integers(min_value=1, max_value=11))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[i]]))
    assert not account_number_valid(number[:i] + digit + number[i + 1 :])
    j = data.draw(st.integers(min_value=1, max_value=10))
    if number[j] != number[j + 1]:
        swapped = number[:j] + number[j + 1] + number[j] + number[j + 2 :]
        assert not account_number_valid(swapped)
