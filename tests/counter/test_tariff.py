"""Prices from the seeded tariff tables (DOMAIN.md figures) and their rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from counter.exceptions import (
    BadPin,
    BadWeight,
    NoTariff,
    UnknownAddon,
    UnknownDiscount,
    UnknownPin,
    UnknownService,
    WeightOverLimit,
)
from counter.models import Tariff
from counter.tariff import round_half_up_share, tariff_quote

pytestmark = pytest.mark.django_db
ON = date(2025, 11, 1)
HO, CITY, PATNA, KOLKATA, DELHI, TVM = "812001", "812002", "800001", "700001", "110001", "695001"


def quote(**kwargs):
    args = {"service": "speed_post", "weight_g": 40, "origin_pin": HO, "dest_pin": PATNA, "addons": (), "on": ON}
    args.update(kwargs)
    return tariff_quote(**args)


@pytest.mark.parametrize(
    ("weight", "dest", "band", "postage"),
    [
        (40, CITY, "local", 1900),
        (50, PATNA, "upto_200", 4700),
        (50, TVM, "above_2000", 4700),
        (51, CITY, "local", 2400),
        (250, PATNA, "upto_200", 5900),
        (250, TVM, "above_2000", 7700),
        (251, CITY, "local", 2800),
        (500, PATNA, "upto_200", 7000),
        (500, TVM, "above_2000", 9300),
    ],
)
def test_confirmed_document_figures(weight, dest, band, postage):
    q = quote(weight_g=weight, dest_pin=dest)
    assert (q.band, q.amount_paise) == (band, postage)
    assert q.gst_paise == round_half_up_share(postage, 1800)
    assert q.total_paise == postage + q.gst_paise


def test_local_40g_document_is_rs_22_42_with_gst():
    q = quote(dest_pin=CITY)
    assert (q.amount_paise, q.gst_paise, q.total_paise) == (1900, 342, 2242)


def test_addons_are_taxed_too():
    q = quote(addons="otp,registration")
    assert q.addon_lines == {"registration": 500, "otp": 500}
    assert (q.addons_paise, q.gst_paise, q.total_paise) == (1000, 1026, 6726)


def test_student_discount_applies_to_postage_only():
    q = quote(weight_g=100, addons=["registration"], discount="student")
    assert q.discount_paise == 590  # 10% of Rs 59
    assert q.taxable_paise == 5900 - 590 + 500
    assert q.gst_paise == 1046  # 5810 x 18% = 1045.8, rounded half up
    assert q.total_paise == 5810 + 1046


def test_new_bulk_customer_discount():
    assert quote(discount="bulk_new").discount_paise == 235  # 5% of Rs 47


def test_heavier_documents_pay_per_further_500g():
    q = quote(weight_g=1200, dest_pin=PATNA)
    assert q.amount_paise == 7000 + 2 * 2000


def test_ordinary_parcel_fixture_figures():
    assert quote(service="parcel", weight_g=500).amount_paise == 1900
    assert quote(service="parcel", weight_g=1200).amount_paise == 1900 + 2 * 1600


def test_gst_rounds_half_up_per_article():
    assert round_half_up_share(25, 1800) == 5  # 4.50 -> 5
    assert round_half_up_share(24, 1800) == 4  # 4.32 -> 4
    assert round_half_up_share(1025, 1800) == 185  # 184.50 -> 185


def test_an_administrators_new_row_takes_over_from_its_date():
    row = Tariff.objects.get(service="speed_post_document", band="local", weight_from_g=1, effective_to=None)
    row.effective_to = date(2029, 12, 31)
    row.full_clean()
    row.save()
    new = Tariff(
        service="speed_post_document",
        band="local",
        weight_from_g=1,
        weight_to_g=50,
        amount_paise=1025,
        effective_from=date(2030, 1, 1),
    )
    new.full_clean()
    new.save()
    assert quote(dest_pin=CITY).amount_paise == 1900
    later = quote(dest_pin=CITY, on=date(2030, 1, 1))
    assert (later.amount_paise, later.gst_paise, later.total_paise) == (1025, 185, 1210)


def test_overlapping_rows_are_refused_by_the_admin_validation():
    clash = Tariff(
        service="speed_post_document",
        band="local",
        weight_from_g=1,
        weight_to_g=50,
        amount_paise=2000,
        effective_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        clash.full_clean()


def test_before_the_tariff_starts_there_is_no_price():
    with pytest.raises(NoTariff):
        quote(on=date(2025, 9, 30))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"service": "telegram"}, UnknownService),
        ({"service": ""}, UnknownService),
        ({"weight_g": 0}, BadWeight),
        ({"weight_g": -5}, BadWeight),
        ({"weight_g": "12.5"}, BadWeight),
        ({"weight_g": "abc"}, BadWeight),
        ({"weight_g": None}, BadWeight),
        ({"weight_g": True}, BadWeight),
        ({"weight_g": 35001}, WeightOverLimit),
        ({"service": "parcel", "weight_g": 20001}, WeightOverLimit),
        ({"origin_pin": "12345"}, BadPin),
        ({"dest_pin": "099999"}, BadPin),
        ({"dest_pin": "999999"}, UnknownPin),
        ({"addons": "otp,insurance"}, UnknownAddon),
        ({"discount": "senior"}, UnknownDiscount),
    ],
)
def test_bad_input(kwargs, error):
    with pytest.raises(error) as caught:
        quote(**kwargs)
    assert caught.value.status == 400


def test_weight_over_limit_says_the_limit():
    with pytest.raises(WeightOverLimit) as caught:
        quote(weight_g=40000)
    assert caught.value.details["max_weight_g"] == 35000
