"""A customer on a 360x740 phone: signs in to savings self-service with the code from the
SMS (the file gateway), sees the balance, sends money with a second code, and finds the
transfer on the statement."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from banking import selectors, services
from banking.models import JournalEntry
from tests.delivery.conftest import use_sms_file
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAYER_MOBILE = "9876500031"


@pytest.fixture
def sms_file(settings, tmp_path):
    return use_sms_file(settings, tmp_path)


@pytest.fixture
def accounts(clerk, places):
    office = places.head_office.pk
    services.till_open(office_id=office, clerk_id=clerk.pk, opening_paise=10_000_00, actor=clerk)

    def holder(name, mobile):
        return services.customer_account_open(
            customer={
                "name": name,
                "mobile": mobile,
                "address": "Station Road, Bhagalpur",
                "pin": "812001",
                "date_of_birth": timezone.localdate().replace(year=1980),
                "gender": "female",
                "sms_language": "en",
            },
            office_id=office,
            actor=clerk,
        )

    payer = holder("Geeta Kumari", PAYER_MOBILE)
    payee = holder("Mohan Lal", "9876500032")
    services.deposit_post(account_number=payer.number, amount_paise=2_500_00, till_id=None, actor=clerk)
    return payer, payee


def _code_for(sms_file, mobile: str, template: str) -> str:
    lines = [line for line in sms_file.relay() if line["to"] == mobile and line["template"] == template]
    assert lines, f"no {template} SMS to {mobile}"
    return re.search(r"\b(\d{6})\b", lines[-1]["text"]).group(1)


def test_customer_signs_in_sends_money_and_sees_it_on_the_statement(live_server, accounts, sms_file, settings):
    from playwright.sync_api import sync_playwright

    # The sign-in code and the transfer code reach the same phone within seconds here;
    # the one-minute resend cooldown between them is tested in tests/banking.
    settings.BANKING_OTP_RESEND_SECONDS = 0
    payer, payee = accounts
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(10_000)

        page.goto(f"{live_server.url}/banking/my/")
        page.wait_for_url("**/banking/my/sign-in/")
        page.fill("#id_account_number", payer.number)
        page.press("#id_account_number", "Enter")
        page.wait_for_url("**/banking/my/sign-in/code/")
        page.fill("#id_code", _code_for(sms_file, PAYER_MOBILE, "banking.signin_otp"))
        page.press("#id_code", "Enter")
        page.wait_for_url("**/banking/my/")
        assert page.inner_text("#balance") == "₹2,500.00"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.click("text=Send money")
        page.fill("#id_to_account", payee.number)
        page.fill("#id_amount", "750.50")
        page.fill("#id_note", "school fees")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/banking/my/transfer/confirm/")
        assert "M**** L**" in page.inner_text("main")
        assert selectors.balance_of(account_number=payee.number) == 0  # nothing moves before the code
        code = _code_for(sms_file, PAYER_MOBILE, "banking.transfer_otp")
        page.fill("#id_otp", code)
        form = {
            "csrfmiddlewaretoken": page.input_value("form:has(#id_otp) input[name=csrfmiddlewaretoken]"),
            "form_key": page.input_value("input[name=form_key]"),
            "otp": code,
        }
        page.click("button[type=submit].primary")
        page.wait_for_url("**/banking/my/transfer/done/")
        assert "₹1,749.50" in page.inner_text("main")
        page.screenshot(path=str(sms_file.path.parent / "selfservice-done.png"), full_page=True)

        # The same confirmation sent again (a retry after a dropped link): the first answer, nothing moves twice.
        retry = page.request.post(f"{live_server.url}/banking/my/transfer/confirm/", form=form)
        assert retry.ok and retry.url.endswith("/banking/my/transfer/done/")
        page.goto(f"{live_server.url}/banking/my/")
        assert page.inner_text("#balance") == "₹1,749.50"

        page.click("text=Statement")
        page.wait_for_url("**/banking/my/statement/")
        statement = page.inner_text("main")
        assert f"Transfer to XX{payee.number[-4:]}" in statement
        assert "₹750.50" in statement and "school fees" in statement
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.click("#signout")
        page.wait_for_url("**/banking/my/sign-in/")
        page.goto(f"{live_server.url}/banking/my/")
        page.wait_for_url("**/banking/my/sign-in/")
        context.close()
        browser.close()
    assert selectors.balance_of(account_number=payer.number) == 1_749_50
    assert selectors.balance_of(account_number=payee.number) == 750_50
    assert JournalEntry.objects.filter(kind="transfer").count() == 1
