"""The counter's pages in Hindi: offices by their Hindi names, add-ons by name (never
their codes), and the receipt's add-ons in both languages like every other label."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.counter.test_pages import form

pytestmark = pytest.mark.django_db

OFFICE_HI = "भागलपुर प्रधान डाकघर"


@pytest.fixture
def hindi(client, login, clerk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    client = login(clerk)
    client.post("/counter/till/open/", {"d500": "4", "d100": "10", "coins": "50"})
    return client


def _booked(client) -> str:
    response = client.post("/counter/book/", form(**{"a-0-addons": ["registration", "otp"]}))
    assert response.status_code == 302
    return response["Location"].split("?")[0]


def test_the_receipt_names_the_add_ons_in_both_languages_not_by_code(hindi):
    html = hindi.get(_booked(hindi)).content.decode()
    assert '<span lang="hi">रजिस्ट्रेशन</span> / Registration' in html
    assert '<span lang="hi">OTP से वितरण</span> / OTP delivery' in html
    assert "(registration, otp)" not in html and "otp)" not in html


def test_the_price_check_names_our_office_in_hindi(hindi):
    data = form(**{"a-0-recipient_pin": "812002"})
    keep = ("a-0-service", "a-0-weight_g", "a-0-recipient_pin", "a-0-addons", "sender_pin")
    html = hindi.post("/counter/book/quote/", {k: v for k, v in data.items() if k in keep}).content.decode()
    assert OFFICE_HI in html  # from
    assert "भागलपुर सिटी उप डाकघर" in html  # to: one of ours, so it has a Hindi name
    assert "Bhagalpur" not in html


def test_the_till_and_office_reports_name_the_office_in_hindi(hindi, login, postmaster):
    _booked(hindi)
    closed = hindi.post("/counter/till/close/", {"d500": "4", "d100": "10", "d50": "1", "d10": "1", "coins": "57.26"})
    report = hindi.get(closed["Location"]).content.decode()
    assert OFFICE_HI in report and "Bhagalpur H.O" not in report
    pm = login(postmaster)
    for url in ("/counter/office/", "/counter/office/report/"):
        html = pm.get(url).content.decode()
        assert OFFICE_HI in html and "Bhagalpur H.O" not in html, url
