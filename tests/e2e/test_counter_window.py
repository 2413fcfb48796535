"""The counter in a real browser at desktop width, by keyboard alone.

1. A clerk signs in, opens the till, books an article (the PIN shows its town as it
   is typed), takes cash and prints the receipt; the page never needs the mouse.
2. The same window takes a UPI payment: QR on the receipt, the UTR typed, paid.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# window.print() opens no dialog in headless Chromium; count the calls instead.
COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"


@pytest.fixture
def page(live_server, clerk):
    from playwright.sync_api import sync_playwright

    from counter.seed import reference_data_ensure

    reference_data_ensure()  # the tariff and PIN directory (a transactional test empties the database)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-IN")
        context.add_init_script(COUNT_PRINTS)
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def type_and_tab(page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def sign_in_and_open_till(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.focus("#id_username")
    type_and_tab(page, "counter_clerk")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/counter/$"))
    # The first note field has the focus: 4 x 500, 0 x 200, 10 x 100, then Enter.
    assert page.evaluate("document.activeElement.id") == "d500"
    type_and_tab(page, "4")
    type_and_tab(page, "0")
    page.keyboard.type("10")
    assert page.inner_text("[data-cash-total]") == "₹3,000.00"
    page.keyboard.press("Enter")
    page.wait_for_selector("#booking-form")


def fill_booking(page) -> None:
    """Sender, then one article, all typed; Tab order is the order of the form."""
    assert page.evaluate("document.activeElement.id") == "sender_name"
    type_and_tab(page, "Ram Kumar")
    type_and_tab(page, "Tilka Manjhi, Bhagalpur")
    page.keyboard.press("Tab")  # sender PIN is prefilled with the office's
    type_and_tab(page, "9812345610")
    page.keyboard.press("Tab")  # past "SMS the sender"
    assert page.evaluate("document.activeElement.id") == "a-0-service"
    page.keyboard.press("Tab")  # Speed Post document
    type_and_tab(page, "40")
    page.keyboard.type("800001")
    page.wait_for_selector("text=Patna G.P.O., Patna, Bihar")  # the town, as typed
    page.keyboard.press("Tab")
    type_and_tab(page, "Sita Devi")
    type_and_tab(page, "Fraser Road, Patna")
    page.keyboard.type("9876543210")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Registration
    assert page.is_checked("input[name='a-0-addons'][value=registration]")
    expect(page.locator("#quote [data-total]")).to_have_text("₹61.36")  # 47 + 5 registration + 18% GST


def test_keyboard_only_cash_booking_and_print(page, live_server):
    sign_in_and_open_till(page, live_server.url)
    fill_booking(page)
    page.focus("#a-0-recipient_mobile")  # back in a text field: Enter books
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/counter/receipts/R812001-\d{8}/"))
    number = page.inner_text(".r-artnum")
    assert re.fullmatch(r"EE\d{9}IN", number)
    assert page.inner_text("[data-total]") == "₹61.36"
    assert "Rupees Sixty-One and Thirty-Six Paise only" in page.inner_text(".r-words")
    assert page.locator(".r-barcode").get_attribute("src").startswith("data:image/svg+xml")
    # The print button has the focus: Enter prints.
    assert page.evaluate("document.activeElement.id") == "print-receipt"
    page.keyboard.press("Enter")
    assert page.evaluate("window.__prints") == 1
    # In print, only the receipt is on the paper.
    page.emulate_media(media="print")
    assert not page.is_visible(".site-header")
    assert not page.is_visible(".receipt-actions")
    assert page.is_visible("#receipt")


def test_upi_payment_by_keyboard(page, live_server):
    sign_in_and_open_till(page, live_server.url)
    fill_booking(page)
    page.keyboard.press("Tab")  # OTP delivery
    page.keyboard.press("Tab")  # discount
    page.keyboard.press("Tab")  # "Add another article"
    page.keyboard.press("Tab")  # payment: the checked radio (cash)
    assert page.evaluate("document.activeElement.id") == "pay-cash"
    page.keyboard.press("ArrowRight")  # UPI
    assert page.is_checked("#pay-upi")
    page.focus("#a-0-recipient_mobile")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/counter/receipts/R812001-\d{8}/"))
    assert page.inner_text("#booking-status") == "Waiting for UPI payment"
    qr = page.locator(".r-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.bounding_box()["width"] > 100
    # The UTR field has the focus: type it, Enter.
    assert page.evaluate("document.activeElement.id") == "utr"
    page.keyboard.type("123456789012")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=UPI payment confirmed.")
    expect(page.locator("#booking-status")).to_have_text("Paid")
    assert "123456789012" in page.inner_text(".r-pay")
