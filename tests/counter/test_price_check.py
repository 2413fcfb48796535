"""The booking form's live price check never puts a customer's name, address or mobile
in a URL: it is a POST of the price fields only, and the view reads nothing else."""

from __future__ import annotations

import re

import pytest

from counter.forms import PRICE_FIELDS
from tests.counter.test_pages import form

pytestmark = pytest.mark.django_db

PERSONAL = (
    "sender_name",
    "sender_address",
    "sender_mobile",
    "a-0-recipient_name",
    "a-0-recipient_address",
    "a-0-recipient_mobile",
)


@pytest.fixture
def window(clerk, login):
    client = login(clerk)
    client.post("/counter/till/open/", {"d500": "4", "d100": "10", "coins": "50"})
    return client


def test_the_form_posts_the_price_check_with_the_price_fields_only(window):
    html = window.get("/counter/").content.decode()
    quote = re.search(r'<div id="quote"[^>]*>', html).group(0)
    assert 'hx-post="/counter/book/quote/"' in quote
    assert "hx-get" not in quote and "hx-include" not in quote
    pattern = re.compile(re.search(r'data-price-fields="([^"]+)"', quote).group(1))
    assert pattern.pattern == PRICE_FIELDS.pattern
    names = set(re.findall(r'name="([^"]+)"', html))
    assert {"sender_pin", "a-0-service", "a-0-weight_g", "a-0-recipient_pin", "a-0-addons"} <= {
        n for n in names if pattern.match(n)
    }
    assert not [n for n in names if pattern.match(n) and re.search(r"name|address|mobile", n)]


def test_a_get_with_personal_fields_is_refused(window):
    response = window.get("/counter/book/quote/", form())
    assert response.status_code == 405


def test_the_price_is_the_same_with_or_without_personal_fields(window):
    full = window.post("/counter/book/quote/", form()).content.decode()
    bare = window.post("/counter/book/quote/", {k: v for k, v in form().items() if k not in PERSONAL}).content.decode()
    assert "₹61.36" in full and full == bare
    for value in ("Ram Kumar", "Sita Devi", "9812345610", "Fraser Road"):
        assert value not in full
