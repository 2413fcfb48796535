"""Paying a booking from a savings account above the consent threshold, in a real browser,
in English and Hindi, at a desk and on a 360 px screen.

The clerk chooses "Savings account", types the number, Tabs to "Send code to the customer"
and presses Enter: the status line names the masked mobile and the cursor is in the code
field. Then the second parcel is weighed again: the page says the code no longer fits,
the booking refuses it and says why, a second send inside the cooldown is refused in
words on the page; the weight is put back and the customer's code books and pays.
Set COUNTER_SCREENSHOTS=<dir> to keep the screenshots.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from banking import selectors as banking_selectors
from banking import services as banking
from counter.models import Booking
from tests.conftest import PASSWORD
from tests.delivery.conftest import use_sms_file
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOBILE = "9876500052"
TOTAL = "₹6,749.60"  # two 35 kg Speed Post parcels to New Delhi with registration


@pytest.fixture
def sms_file(settings, tmp_path):
    return use_sms_file(settings, tmp_path)


@pytest.fixture
def account(clerk) -> str:
    """Geeta Devi's account with ₹10,000, and the clerk's till open."""
    from counter import services as counter_services
    from counter.seed import reference_data_ensure

    reference_data_ensure()  # the tariff and PIN directory (a transactional test empties the database)
    session = counter_services.till_session_open(clerk=clerk, denominations={"500": 4})
    holder = banking.customer_create(
        name="Geeta Devi",
        mobile=MOBILE,
        address="Adampur, Bhagalpur",
        pin="812001",
        date_of_birth=date(1985, 5, 1),
        gender="female",
        office_id=clerk.post_office_id,
        actor=clerk,
    )
    number = banking.account_open(customer_id=holder.pk, office_id=clerk.post_office_id, actor=clerk).number
    banking.deposit_post(account_number=number, amount_paise=10_000_00, till_id=session.till_id, actor=clerk)
    return number


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def fill_article(page, i: int) -> None:
    page.select_option(f"#a-{i}-service", "speed_post_parcel")
    page.fill(f"#a-{i}-weight_g", "35000")
    page.fill(f"#a-{i}-recipient_pin", "110001")
    page.fill(f"#a-{i}-recipient_name", f"Anil Sharma {i}")
    page.fill(f"#a-{i}-recipient_address", "Connaught Place, New Delhi")
    page.fill(f"#a-{i}-recipient_mobile", "9876543210")
    page.check(f"input[name='a-{i}-addons'][value=registration]")


def reweigh(page, grams: str) -> None:
    page.fill("#a-1-weight_g", grams)
    page.dispatch_event("#a-1-weight_g", "change")


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("hi", 1280), ("hi", 360)])
def test_send_the_code_from_the_booking_form_and_pay_from_the_account(
    live_server, clerk, account, sms_file, lang, width
):
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("COUNTER_SCREENSHOTS")

    def shot(name: str) -> None:
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/consent-{name}-{lang}-{width}.png", full_page=True)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900})
        context.add_cookies([{"name": "dakghar_lang", "value": lang, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", clerk.username)
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(re.compile(r"/counter/$"))
        assert page.evaluate("document.documentElement.lang") == lang

        page.fill("#sender_name", "Geeta Devi")
        page.fill("#sender_address", "Adampur, Bhagalpur")
        page.fill("#sender_mobile", MOBILE)
        fill_article(page, 0)
        page.focus("#add-article")
        page.keyboard.press("Enter")
        page.wait_for_selector("#a-1-service")
        fill_article(page, 1)
        page.dispatch_event("#a-1-weight_g", "change")
        expect(page.locator("#quote [data-total]")).to_have_text(TOTAL)

        # By keyboard: Savings account, its number, Tab to the button, Enter.
        page.focus("#pay-cash")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.is_checked("#pay-account")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "account_number"
        page.keyboard.type(account)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "account-otp-send"
        page.keyboard.press("Enter")
        status = page.locator("#account-otp-status .status-line.ok")
        expect(status).to_contain_text("98XXXXXX52")
        expect(status).to_contain_text(TOTAL)
        expect(page.locator("#account_otp")).to_be_focused()  # type what the customer reads out
        expect(page.locator("[data-otp-stale]")).to_be_hidden()
        if width == 360:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot("sent")
        texts = [m["text"] for m in sms_file.relay() if m["to"] == MOBILE and m["template"] == "banking.payment_otp"]
        assert len(texts) == 1 and TOTAL in texts[0]
        code = re.search(r"(?<!\d)(\d{6})(?!\d)", texts[0]).group(1)

        # The second parcel is weighed again at 30 kg: the page says the code no longer fits...
        reweigh(page, "30000")
        expect(page.locator("#quote [data-total]")).not_to_have_text(TOTAL)
        expect(page.locator("[data-otp-stale]")).to_be_visible()
        shot("stale")
        # ...and the booking refuses it, saying why, with the cursor in the code field.
        page.fill("#account_otp", code)
        page.press("#account_otp", "Enter")
        page.wait_for_selector("#form-error")
        assert not Booking.objects.exists()
        assert "₹6,749.60" in page.inner_text("#form-error")
        expect(page.locator("#account_otp")).to_be_focused()  # once the page's script has run
        assert page.get_attribute("#account_otp", "aria-invalid") == "true"
        if width == 360:
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot("refused")

        # A second code inside the cooldown: refused in words on the page (a 429 swapped in).
        page.focus("#account-otp-send")
        page.keyboard.press("Enter")
        expect(page.locator("#account-otp-status .status-line.err[role=alert]")).to_be_visible()
        shot("cooldown")

        # The parcel goes back to 35 kg: the customer's code fits again and the booking pays.
        reweigh(page, "35000")
        expect(page.locator("#quote [data-total]")).to_have_text(TOTAL)
        page.fill("#account_otp", code)
        page.press("#account_otp", "Enter")
        page.wait_for_url(re.compile(r"/counter/receipts/R812001-\d{8}/"))
        shot("receipt")
        context.close()
        browser.close()

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PAID and booking.payment_method == "account"
    assert banking_selectors.balance_of(account_number=account) == 10_000_00 - 6_749_60
