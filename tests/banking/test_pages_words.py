"""The clerk's savings pages in Hindi: the office by its Hindi name, and no internal
codes on screen (journal entry numbers, the service's own memo text)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from banking import services

pytestmark = pytest.mark.django_db


def _messages(html: str) -> str:
    return re.search(r'<div class="messages".*?</div>', html, re.S).group(0)


@pytest.fixture
def hindi(client, login, clerk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    return login(clerk)


def test_the_savings_pages_name_the_office_in_hindi(hindi, open_account):
    account = open_account(100_00)
    for url in ("/banking/", f"/banking/a/{account.number}/"):
        html = hindi.get(url).content.decode()
        assert "भागलपुर प्रधान डाकघर" in html, url
        assert "Bhagalpur H.O" not in html, url


def test_a_deposit_says_what_happened_without_the_entry_number(hindi, open_account, till_id):
    account = open_account()
    page = hindi.get(f"/banking/a/{account.number}/").content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    done = hindi.post(f"/banking/a/{account.number}/deposit/", {"amount": "500", "form_key": key}, follow=True)
    html = done.content.decode()
    assert "₹500.00 जमा हुए" in html
    assert not re.search(r"प्रविष्टि|entry", _messages(html))
    again = hindi.post(f"/banking/a/{account.number}/deposit/", {"amount": "500", "form_key": key}, follow=True)
    assert "शेष ₹500.00" in _messages(again.content.decode())  # the replay says so, still without a number
    assert not re.search(r"प्रविष्टि|entry", _messages(again.content.decode()))


def test_a_reversal_on_the_statement_shows_the_reason_not_the_entry_number(
    hindi, open_account, clerk, postmaster, till_id
):
    account = open_account(1_000_00)
    fee = services.fee_charge(account_number=account.number, amount_paise=10_00, actor=clerk)
    request = services.reversal_request(entry_id=fee.entry_id, reason="charged twice", actor=clerk)
    services.reversal_approve(request_id=request.pk, actor=postmaster)
    html = hindi.get(f"/banking/a/{account.number}/").content.decode()
    assert "charged twice" in html
    assert not re.search(r"reversal of entry \d+", html)
