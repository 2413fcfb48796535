"""The clerk's and postmaster's pages, through the test client."""

from __future__ import annotations

import re

import pytest

from counter.models import Booking, TillSession

pytestmark = pytest.mark.django_db


def form(key="form-key-1", **extra):
    data = {
        "form_key": key,
        "sender_name": "Ram Kumar",
        "sender_address": "Tilka Manjhi, Bhagalpur",
        "sender_pin": "812001",
        "sender_mobile": "9812345610",
        "a-0-service": "speed_post_document",
        "a-0-weight_g": "40",
        "a-0-recipient_pin": "800001",
        "a-0-recipient_name": "Sita Devi",
        "a-0-recipient_address": "Fraser Road, Patna",
        "a-0-recipient_mobile": "9876543210",
        "a-0-addons": ["registration"],
        "a-0-discount": "",
        "payment_method": "cash",
    }
    data.update(extra)
    return data


@pytest.fixture
def window(clerk, login):
    client = login(clerk)
    page = client.get("/counter/")
    assert "Open your till" in page.content.decode()
    response = client.post("/counter/till/open/", {"d500": "4", "d100": "10", "coins": "50"})
    assert response.status_code == 302
    return client


def test_the_booking_form_carries_a_fresh_key(window):
    first = window.get("/counter/").content.decode()
    second = window.get("/counter/").content.decode()
    key = re.compile(r'name="form_key" value="([0-9a-f]{32})"')
    assert key.search(first).group(1) != key.search(second).group(1)
    assert 'hx-get="/counter/pin/"' in first


def test_book_by_form_and_double_submit_books_once(window, clerk):
    response = window.post("/counter/book/", form())
    assert response.status_code == 302
    assert response["Location"].startswith("/counter/receipts/R812001-")
    again = window.post("/counter/book/", form())  # the double click
    assert again["Location"] == response["Location"]
    assert Booking.objects.filter(clerk=clerk).count() == 1
    receipt = window.get(response["Location"]).content.decode()
    assert "data:image/svg+xml;base64," in receipt  # the Code 128 barcode
    assert "Rupees Sixty-One and Thirty-Six Paise only" in receipt
    assert "इकसठ रुपये और छत्तीस पैसे मात्र" in receipt
    pdf = window.get(response["Location"].split("?")[0] + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_refused_booking_marks_the_field_and_keeps_the_input(window):
    response = window.post("/counter/book/", form(**{"a-0-recipient_mobile": "", "a-0-addons": ["otp"]}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "A mobile number is needed for OTP delivery." in page
    assert re.search(r'id="a-0-recipient_mobile"[^>]*aria-invalid="true"', page)
    assert 'value="Sita Devi"' in page
    assert not Booking.objects.exists()


def test_two_articles_from_the_form(window):
    data = form(
        **{
            "a-1-service": "speed_post_parcel",
            "a-1-weight_g": "1200",
            "a-1-recipient_pin": "110001",
            "a-1-recipient_name": "Arjun",
            "a-1-recipient_address": "Connaught Place",
            "a-1-recipient_mobile": "",
        }
    )
    window.post("/counter/book/", data)
    booking = Booking.objects.get()
    assert [a.article_number[:2] for a in booking.articles.order_by("position")] == ["EE", "EP"]


def test_article_block_and_quote_partials(window):
    block = window.get("/counter/book/article/", {"index": "2"}).content.decode()
    assert 'name="a-2-weight_g"' in block
    quote = window.post("/counter/book/quote/", form()).content.decode()
    assert "₹61.36" in quote


def test_upi_page_flow(window):
    response = window.post("/counter/book/", form(key="upi-form", payment_method="upi"))
    url = response["Location"].split("?")[0]
    page = window.get(url).content.decode()
    assert 'name="utr"' in page and "Scan to pay by UPI" in page
    window.post(url + "upi/confirm/", {"utr": "987654321098"})
    assert Booking.objects.get().status == "paid"
    assert "987654321098" in window.get(url).content.decode()


def test_close_till_and_report(window, clerk):
    window.post("/counter/book/", form())
    response = window.post(
        "/counter/till/close/", {"d500": "4", "d100": "10", "d50": "1", "d10": "1", "coins": "51.36"}
    )
    assert response.status_code == 302
    report = window.get(response["Location"]).content.decode()
    assert "Exact" in report
    assert not TillSession.objects.filter(clerk=clerk, close__isnull=True).exists()


def test_postmaster_sees_the_office_and_approves_a_cancellation(window, postmaster, login, client):
    response = window.post("/counter/book/", form())
    url = response["Location"].split("?")[0]
    window.post(url + "cancel/", {"reason": "wrong address"})
    pm = login(postmaster)
    home = pm.get("/counter/office/").content.decode()
    assert "wrong address" in home and "1 / 1" in home
    request_id = re.search(r"/counter/office/cancellations/(\d+)/", home).group(1)
    # An irreversible step asks first: the first POST only shows the confirmation.
    asked = pm.post(f"/counter/office/cancellations/{request_id}/", {"decision": "approve"})
    assert asked.status_code == 200 and 'name="confirm" value="1"' in asked.content.decode()
    assert Booking.objects.get().status == "paid"
    pm.post(f"/counter/office/cancellations/{request_id}/", {"decision": "approve", "confirm": "1"})
    assert Booking.objects.get().status == "cancelled"
    assert pm.post("/counter/office/close-day/").status_code == 200  # the confirmation page
    closing = pm.post("/counter/office/close-day/", {"confirm": "1"})
    assert closing.status_code == 302  # refused: a till is still open
    assert "Every till" in pm.get("/counter/office/").content.decode()


def test_clerk_cannot_open_the_office_home(window):
    assert window.get("/counter/office/").status_code == 403
