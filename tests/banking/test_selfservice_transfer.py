"""Self-service: transfers with the holder's OTP (whatever the amount), moved once even
when the confirmation is sent twice; bad input moves nothing and sends no code; the
statement and mini-statement of the signed-in account only."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from banking import selectors
from banking.models import JournalEntry, WithdrawalOtp
from banking.numbers import account_number_from_serial
from notify.models import Outbox
from tests.banking.helpers import sms_code_to
from tests.banking.test_selfservice_signin import sign_in

pytestmark = pytest.mark.django_db

TRANSFER = "/banking/my/transfer/"
CONFIRM = "/banking/my/transfer/confirm/"
DONE = "/banking/my/transfer/done/"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    cache.clear()
    # A transfer code is sent again within seconds here; the resend cooldown is tested
    # elsewhere (and sign-in then transfer at once needs none: test_otp_requesters).
    settings.BANKING_OTP_RESEND_SECONDS = 0
    yield
    cache.clear()


def _key(response) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', response.content.decode()).group(1)


def _transfers() -> int:
    return JournalEntry.objects.filter(kind="transfer").count()


@pytest.mark.parametrize("amount_paise", [500_00, 6000_00], ids=["below-threshold", "above-threshold"])
def test_transfer_with_the_otp_moves_once(client, open_account, amount_paise):
    payer = open_account(10_000_00, name="Geeta Kumari")
    payee = open_account(0, name="Mohan Lal")
    sign_in(client, payer)
    step1 = client.post(TRANSFER, {"to_account": payee.number, "amount": f"{amount_paise // 100}", "note": "rent"})
    assert step1.status_code == 302 and step1.url == CONFIRM
    sms = Outbox.objects.filter(to=payer.customer.mobile).latest("id")
    assert sms.template.key == "banking.transfer_otp"
    confirm = client.get(CONFIRM)
    body = confirm.content.decode()
    assert "M**** L**" in body and payee.number in body  # the payee's name, masked
    key = _key(confirm)
    assert selectors.balance_of(account_number=payee.number) == 0  # nothing before the code

    code = sms_code_to(payer.customer.mobile)
    data = {"form_key": key, "otp": code}
    first = client.post(CONFIRM, data)
    retry = client.post(CONFIRM, data)  # the same submit again (double tap, dropped link)
    assert first.status_code == retry.status_code == 302
    assert first.url == retry.url == DONE
    assert selectors.balance_of(account_number=payer.number) == 10_000_00 - amount_paise
    assert selectors.balance_of(account_number=payee.number) == amount_paise
    assert _transfers() == 1
    done = client.get(DONE).content.decode()
    assert "Money sent" in done
    entry = JournalEntry.objects.get(kind="transfer")
    assert entry.memo == "self-service: rent" and entry.actor_id is None

    statement = client.get("/banking/my/statement/").content.decode()
    assert "Transfer to XX" + payee.number[-4:] in statement


def test_a_wrong_code_moves_nothing_and_the_next_try_works(client, open_account):
    payer = open_account(1000_00)
    payee = open_account(0)
    sign_in(client, payer)
    client.post(TRANSFER, {"to_account": payee.number, "amount": "300"})
    key = _key(client.get(CONFIRM))
    code = sms_code_to(payer.customer.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    bad = client.post(CONFIRM, {"form_key": key, "otp": wrong})
    assert bad.status_code == 422
    assert "4 tries left" in bad.content.decode()
    new_key = _key(bad)
    assert new_key != key
    assert _transfers() == 0 and selectors.balance_of(account_number=payer.number) == 1000_00
    ok = client.post(CONFIRM, {"form_key": new_key, "otp": code})
    assert ok.status_code == 302 and _transfers() == 1


def test_an_expired_code_can_be_sent_again(client, open_account):
    payer = open_account(1000_00)
    payee = open_account(0)
    sign_in(client, payer)
    client.post(TRANSFER, {"to_account": payee.number, "amount": "300"})
    old = sms_code_to(payer.customer.mobile)
    WithdrawalOtp.objects.filter(account=payer, purpose="transfer").update(attempts=5)
    key = _key(client.get(CONFIRM))
    dead = client.post(CONFIRM, {"form_key": key, "otp": old})
    assert dead.status_code == 422 and _transfers() == 0
    assert client.post("/banking/my/transfer/resend/").status_code == 302
    fresh = sms_code_to(payer.customer.mobile)
    ok = client.post(CONFIRM, {"form_key": _key(client.get(CONFIRM)), "otp": fresh})
    assert ok.status_code == 302 and _transfers() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "0", "more than zero"),
        ("amount", "-50", "Type the amount in rupees"),
        ("amount", "12.345", "Type the amount in rupees"),
        ("amount", "5000", "not enough for this"),
        ("to_account", "12345", "not a valid account number"),
        ("to_account", "unknown", "There is no savings account with that number."),
        ("to_account", "self", "That is your own account"),
    ],
)
def test_bad_input_sends_no_code_and_moves_nothing(client, open_account, field, value, message):
    payer = open_account(1000_00)
    payee = open_account(0)
    sign_in(client, payer)
    sent_before = Outbox.objects.count()
    data = {"to_account": payee.number, "amount": "100"}
    data[field] = {"unknown": account_number_from_serial(9_999_999_999), "self": payer.number}.get(value, value)
    response = client.post(TRANSFER, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Outbox.objects.count() == sent_before
    assert _transfers() == 0


def test_a_transfer_to_a_frozen_account_is_refused_before_any_code(client, open_account, postmaster):
    from banking import services

    payer = open_account(1000_00)
    payee = open_account(0)
    services.account_status_change(account_number=payee.number, new_status="frozen", reason="test", actor=postmaster)
    sign_in(client, payer)
    response = client.post(TRANSFER, {"to_account": payee.number, "amount": "100"})
    assert response.status_code == 400 and "cannot take money now" in response.content.decode()


def test_the_statement_is_the_signed_in_account_only(client, open_account):
    mine = open_account(700_00, name="Geeta Kumari")
    other = open_account(900_00, name="Mohan Lal")
    sign_in(client, mine)
    page = client.get("/banking/my/statement/", {"number": other.number}).content.decode()
    assert "Geeta Kumari" in page and "Mohan Lal" not in page and "₹900.00" not in page
    pdf = client.get("/banking/my/statement/", {"format": "pdf", "lang": "en"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert mine.number in pdf["Content-Disposition"]


def test_mini_statement_from_self_service(client, open_account):
    account = open_account(250_00)
    sign_in(client, account)
    response = client.post("/banking/my/mini-statement/", HTTP_HX_REQUEST="true")
    assert response.status_code == 201
    sms = Outbox.objects.filter(to=account.customer.mobile, template__key="banking.mini_statement").get()
    assert sms.lang == account.customer.sms_language == "hi"
    assert "जमा ₹250.00" in sms.text and "शेष ₹250.00" in sms.text


def test_self_service_pages_need_a_signed_in_customer(client):
    for url in ("/banking/my/", "/banking/my/statement/", TRANSFER, CONFIRM, DONE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/banking/my/sign-in/"), url
    htmx = client.get("/banking/my/balance/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith("/banking/my/sign-in/")
