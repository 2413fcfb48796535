"""S10 article numbers: the check digit, validation, and serials from the sequence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from delivery.exceptions import InvalidArticleNumber, SerialsExhausted
from delivery.models import Article
from delivery.s10 import (
    SERIALS_PER_CYCLE,
    s10_check_digit,
    s10_compose,
    s10_display,
    s10_issue,
    s10_validate,
    sequence_name,
)

serials = st.integers(min_value=0, max_value=99_999_999)


def test_worked_examples_from_domain_md():
    assert s10_check_digit("47312482") == 9
    assert s10_check_digit("00000000") == 5
    assert s10_compose("EE", 47312482) == "EE473124829IN"


def test_ten_becomes_zero_and_eleven_becomes_five():
    assert s10_check_digit("00000001") == 4  # S = 7, C = 11 - 7
    assert s10_check_digit("00000008") == 0  # S = 56, 56 mod 11 = 1, C = 10 -> 0
    assert s10_check_digit("00010010") == 5  # S = 2 + 9 = 11, 11 mod 11 = 0, C = 11 -> 5


@given(serials)
def test_composed_numbers_validate(serial):
    number = s10_compose("EE", serial)
    assert len(number) == 13
    assert s10_validate(number) == number
    assert 0 <= s10_check_digit(f"{serial:08d}") <= 9


@given(serials, st.integers(min_value=1, max_value=9))
def test_any_other_check_digit_is_refused(serial, shift):
    number = s10_compose("CP", serial)
    wrong = number[:10] + str((int(number[10]) + shift) % 10) + number[11:]
    with pytest.raises(InvalidArticleNumber) as caught:
        s10_validate(wrong)
    assert caught.value.details["reason"] == "check_digit"
    assert caught.value.status == 400


@given(serials)
def test_typed_forms_are_normalised(serial):
    number = s10_compose("EP", serial)
    spaced = s10_display(number).lower()
    assert s10_validate(spaced) == number
    assert s10_validate(f"  {number[:2]}-{number[2:]} ") == number


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "format"),
        ("EE12345678IN", "format"),  # 12 characters
        ("E1234567895IN", "format"),
        ("EE473124829US", "country"),
        ("EE473124828IN", "check_digit"),
    ],
)
def test_bad_numbers_say_what_is_wrong(typed, reason):
    with pytest.raises(InvalidArticleNumber) as caught:
        s10_validate(typed)
    assert caught.value.details["reason"] == reason
    assert str(caught.value.message)


def test_the_message_is_translated():
    from django.utils import translation

    with translation.override("hi"):
        with pytest.raises(InvalidArticleNumber) as caught:
            s10_validate("EE473124828IN")
        assert "चेक अंक" in str(caught.value.message)


@pytest.mark.django_db
def test_serials_come_from_the_sequence_and_never_repeat():
    issued = [s10_issue(service_indicator="EE") for _ in range(50)]
    numbers = [i.number for i in issued]
    assert len(set(numbers)) == 50
    assert [i.serial for i in issued] == list(range(issued[0].serial, issued[0].serial + 50))
    assert all(s10_validate(n) == n for n in numbers)


@pytest.mark.django_db
def test_unknown_indicator_is_a_programming_error():
    with pytest.raises(ValueError):
        s10_issue(service_indicator="ZZ")


@pytest.mark.django_db
def test_a_serial_is_reused_only_after_24_months(book):
    """Move the EP sequence to the end of a cycle: the next number folds back to serial
    00000001, which is refused while its previous holder is younger than 24 months."""
    assert connection.vendor == "postgresql"
    seq = sequence_name("EP")
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM " + seq)  # noqa: S608 (our own identifier)
        last_value, is_called = cursor.fetchone()
    try:
        old = book(service_indicator="EP", otp=False, booked_at=timezone.now() - timedelta(days=200))
        # The holder of serial 1 in cycle 0 (made to look like it):
        first = s10_compose("EP", 1)
        Article.objects.filter(pk=old.pk).update(number=first, serial=1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [seq, SERIALS_PER_CYCLE])
        with pytest.raises(SerialsExhausted):
            s10_issue(service_indicator="EP")  # value 10^8: cycle 1, serial 1 -> too recent
        Article.objects.filter(pk=old.pk).update(booked_at=timezone.now() - timedelta(days=731))
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [seq, SERIALS_PER_CYCLE])
        again = s10_issue(service_indicator="EP")
        assert (again.number, again.serial, again.cycle) == (first, 1, 1)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, %s)", [seq, last_value, is_called])
