"""Money in rupees with Indian grouping; times in IST."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formatting import format_inr, format_ist, group_indian, mask_mobile, mask_name


@pytest.mark.parametrize(
    "paise, shown",
    [
        (12345650, "₹1,23,456.50"),
        (0, "₹0.00"),
        (5, "₹0.05"),
        (99, "₹0.99"),
        (100, "₹1.00"),
        (100000, "₹1,000.00"),
        (10000000, "₹1,00,000.00"),
        (20000000, "₹2,00,000.00"),  # the payments-bank ceiling
        (1234567890123, "₹12,34,56,78,901.23"),
        (-12345650, "-₹1,23,456.50"),
        (-5, "-₹0.05"),
    ],
)
def test_format_inr(paise, shown):
    assert format_inr(paise) == shown


def test_format_inr_takes_only_whole_paise():
    assert format_inr(None) == ""
    for wrong in (12.5, "100", True):
        with pytest.raises(TypeError):
            format_inr(wrong)


def test_group_indian():
    assert [group_indian(n) for n in (0, 999, 1000, 99999, 100000, 1000000000)] == [
        "0",
        "999",
        "1,000",
        "99,999",
        "1,00,000",
        "1,00,00,00,000",
    ]


def test_the_inr_and_ist_filters_are_the_same_in_hindi():
    template = Template("{{ amount|inr }} {{ when|ist }}")
    context = Context({"amount": 12345650, "when": datetime(2025, 10, 1, 18, 45, tzinfo=UTC)})
    with translation.override("hi"):
        assert template.render(context) == "₹1,23,456.50 02-10-2025 00:15"
    assert template.render(context) == "₹1,23,456.50 02-10-2025 00:15"


def test_format_ist():
    assert format_ist(datetime(2025, 1, 31, 20, 0, tzinfo=UTC)) == "01-02-2025 01:30"
    assert format_ist(None) == ""


def test_masks_for_public_pages():
    assert mask_mobile("9812345610") == "98XXXXXX10"
    assert mask_name("Ram Kumar") == "R** K****"
