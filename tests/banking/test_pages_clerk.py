"""The clerk's savings pages at /banking/: find, open, deposit, withdraw (with the
customer's OTP above the threshold), statement and mini-statement; who may see them."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from banking import selectors, services
from banking.models import JournalEntry, SavingsAccount
from banking.numbers import account_number_from_serial
from notify.models import Outbox
from tests.banking.helpers import sms_code_to

pytestmark = pytest.mark.django_db

# A valid Aadhaar number (Verhoeff check digit) and the same with its last digit changed.
AADHAAR = "234567890124"
AADHAAR_WRONG = "234567890125"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The mini-statement's rate limit lives in the cache (this run's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


def _key(response) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', response.content.decode()).group(1)


def _open_form(**overrides) -> dict:
    data = {
        "name": "Sita Devi",
        "mobile": "9876500011",
        "date_of_birth": "1985-03-14",
        "gender": "female",
        "address": "4 Khalifabagh, Bhagalpur",
        "pin": "812002",
        "aadhaar": AADHAAR,
        "sms_language": "hi",
        "nominee_name": "Ram Devi",
        "nominee_relation": "mother",
        "posb_account": "POSB123456",
    }
    data.update(overrides)
    return data


def test_clerk_opens_an_account_once_even_when_the_form_is_sent_twice(login, clerk):
    client = login(clerk)
    page = client.get(reverse("banking:account_open"))
    assert page.status_code == 200
    data = _open_form(form_key=_key(page))
    first = client.post(reverse("banking:account_open"), data)
    second = client.post(reverse("banking:account_open"), data)  # a double click
    assert first.status_code == 302
    assert second.status_code == 302 and second.url == first.url
    account = SavingsAccount.objects.get(customer__mobile="9876500011")
    assert first.url == reverse("banking:account", args=[account.number])
    assert account.customer.aadhaar_last_four == "0124"
    assert account.posb_account == "POSB123456" and account.nominee_name == "Ram Devi"
    detail = client.get(first.url).content.decode()
    assert "XXXX-XXXX-0124" in detail and AADHAAR not in detail


def test_a_wrong_aadhaar_check_digit_is_refused_beside_the_field(login, clerk):
    client = login(clerk)
    data = _open_form(aadhaar=AADHAAR_WRONG, form_key=_key(client.get(reverse("banking:account_open"))))
    response = client.post(reverse("banking:account_open"), data)
    assert response.status_code == 400
    assert "Verhoeff" in response.content.decode()
    assert not SavingsAccount.objects.filter(customer__mobile="9876500011").exists()


def test_the_same_aadhaar_twice_is_refused_beside_the_field(login, clerk):
    client = login(clerk)
    client.post(reverse("banking:account_open"), _open_form(form_key="k" * 32))
    again = client.post(reverse("banking:account_open"), _open_form(mobile="9876500012", form_key="j" * 32))
    assert again.status_code == 409
    body = again.content.decode()
    assert "already registered" in body
    assert _key(again) == "j" * 32  # a conflict is not stored under the key: the same form may be sent again
    assert SavingsAccount.objects.filter(customer__aadhaar_last_four="0124").count() == 1


def test_find_by_number_opens_the_account_and_by_mobile_lists_it(login, clerk, open_account):
    account = open_account(100_00, mobile="9811100001")
    client = login(clerk)
    by_number = client.get(reverse("banking:home"), {"q": account.number})
    assert by_number.status_code == 302 and by_number.url == reverse("banking:account", args=[account.number])
    partial = client.get(reverse("banking:home"), {"q": "98111 00001"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and account.number in partial.content.decode()
    assert "<html" not in partial.content.decode()
    nothing = client.get(reverse("banking:home"), {"q": "9811100009"})
    assert "No account of your office matches" in nothing.content.decode()


def test_deposit_moves_the_till_and_a_double_submit_posts_once(login, clerk, till_id, open_account):
    account = open_account(0)
    client = login(clerk)
    page = client.get(reverse("banking:account", args=[account.number]))
    key = _key(page)
    till_before = selectors.till_balance(till_id=till_id)
    data = {"form_key": key, "amount": "1,250.50", "memo": ""}
    first = client.post(reverse("banking:deposit", args=[account.number]), data)
    second = client.post(reverse("banking:deposit", args=[account.number]), data)
    assert first.status_code == second.status_code == 302
    assert selectors.balance_of(account_number=account.number) == 1250_50
    assert selectors.till_balance(till_id=till_id) == till_before + 1250_50
    assert JournalEntry.objects.filter(kind="deposit", postings__account=account.ledger).count() == 1
    shown = client.get(second.url).content.decode()
    assert "nothing was posted again" in shown
    assert "₹1,250.50" in shown


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.234", "99999999999"])
def test_bad_amounts_are_refused_and_nothing_moves(login, clerk, till_id, open_account, amount):
    account = open_account(100_00)
    client = login(clerk)
    response = client.post(reverse("banking:deposit", args=[account.number]), {"form_key": "a" * 32, "amount": amount})
    assert response.status_code == 400
    assert selectors.balance_of(account_number=account.number) == 100_00


def test_without_an_open_till_the_page_says_so_and_links_to_the_counter(login, postmaster, open_account):
    account = open_account(100_00)  # the clerk's till, not the postmaster's
    client = login(postmaster)
    page = client.get(reverse("banking:account", args=[account.number])).content.decode()
    assert "Your till is not open." in page and reverse("counter:home") in page
    response = client.post(reverse("banking:deposit", args=[account.number]), {"form_key": "b" * 32, "amount": "10"})
    assert response.status_code == 409
    assert "Open your till before taking or paying out cash." in response.content.decode()
    assert selectors.balance_of(account_number=account.number) == 100_00


def test_small_withdrawal_pays_out_at_once(login, clerk, till_id, open_account):
    account = open_account(1000_00)
    client = login(clerk)
    key = _key(client.get(reverse("banking:account", args=[account.number])))
    response = client.post(reverse("banking:withdraw", args=[account.number]), {"form_key": key, "amount": "400"})
    assert response.status_code == 302
    assert selectors.balance_of(account_number=account.number) == 600_00


def test_large_withdrawal_needs_the_customers_otp_and_pays_once(login, clerk, till_id, open_account):
    account = open_account(20_000_00)
    client = login(clerk)
    key = "w" * 32
    step1 = client.post(reverse("banking:withdraw", args=[account.number]), {"form_key": key, "amount": "7000"})
    assert step1.status_code == 302 and "/withdraw/consent/" in step1.url
    consent = client.get(step1.url)
    assert consent.status_code == 200 and "₹7,000.00" in consent.content.decode()
    assert selectors.balance_of(account_number=account.number) == 20_000_00  # nothing moved yet

    sent = client.post(
        reverse("banking:withdrawal_otp", args=[account.number]),
        {"amount_paise": 7000_00, "form_key": key},
        HTTP_HX_REQUEST="true",
    )
    assert sent.status_code == 201 and "XXXXXX" in sent.content.decode()
    code = sms_code_to(account.customer.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    bad = client.post(
        reverse("banking:withdraw", args=[account.number]), {"form_key": key, "amount": "7000.00", "otp": wrong}
    )
    assert bad.status_code == 302 and "/withdraw/consent/" in bad.url
    assert "key=" + key not in bad.url  # the error is that key's answer: a fresh key for the next try
    assert "4 tries left" in client.get(bad.url).content.decode()
    new_key = re.search(r"key=([0-9a-f]+)", bad.url).group(1)

    data = {"form_key": new_key, "amount": "7000.00", "otp": code}
    ok = client.post(reverse("banking:withdraw", args=[account.number]), data)
    again = client.post(reverse("banking:withdraw", args=[account.number]), data)
    assert ok.status_code == again.status_code == 302
    assert ok.url == reverse("banking:account", args=[account.number])
    assert selectors.balance_of(account_number=account.number) == 13_000_00
    assert JournalEntry.objects.filter(kind="withdrawal").count() == 1


def test_statement_page_and_files(login, clerk, till_id, open_account):
    account = open_account(500_00, name="राम कुमार")
    client = login(clerk)
    url = reverse("banking:statement", args=[account.number])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Closing balance" in body and "₹500.00" in body and "राम कुमार" in body
    csv_response = client.get(url, {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    pdf = client.get(url, {"format": "pdf", "lang": "hi"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    bad = client.get(url, {"from": "2025-10-10", "to": "2025-10-01"})
    assert bad.status_code == 400 and "The start date is after the end date." in bad.content.decode()


def test_mini_statement_by_sms_from_the_clerks_page(login, clerk, till_id, open_account):
    account = open_account(900_00)
    client = login(clerk)
    url = reverse("banking:mini_statement", args=[account.number])
    first = client.post(url, {"lang": "en"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 201
    sms = Outbox.objects.filter(to=account.customer.mobile, template__key="banking.mini_statement").get()
    assert "Cr ₹900.00" in sms.text and "Balance ₹900.00" in sms.text
    second = client.post(url, {"lang": "en"}, HTTP_HX_REQUEST="true")
    assert second.status_code == 429
    assert Outbox.objects.filter(template__key="banking.mini_statement").count() == 1


@pytest.mark.parametrize("who", ["outsider", "postman", "thana_officer"])
def test_people_outside_the_office_get_403(request, login, open_account, who):
    account = open_account(100_00)
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("banking:account", args=[account.number])).status_code == 403
    assert client.get(reverse("banking:statement", args=[account.number])).status_code == 403
    response = client.post(reverse("banking:deposit", args=[account.number]), {"form_key": "c" * 32, "amount": "10"})
    assert response.status_code == 403
    assert selectors.balance_of(account_number=account.number) == 100_00


def test_an_unknown_account_number_is_404_for_the_clerk(login, clerk):
    client = login(clerk)
    unknown = account_number_from_serial(9_999_999_999)  # well formed, never opened
    assert client.get(reverse("banking:account", args=[unknown])).status_code == 404


def test_postmaster_of_the_office_sees_the_account(login, postmaster, open_account):
    account = open_account(100_00)
    assert login(postmaster).get(reverse("banking:account", args=[account.number])).status_code == 200


def test_signed_out_visitors_go_to_the_staff_sign_in(client, open_account):
    account = open_account(0)
    response = client.get(reverse("banking:account", args=[account.number]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_after_till_not_open_the_same_form_posts_once_the_till_is_open(login, postmaster, open_account):
    account = open_account(0)
    client = login(postmaster)
    data = {"form_key": "t" * 32, "amount": "300"}
    refused = client.post(reverse("banking:deposit", args=[account.number]), data)
    assert refused.status_code == 409
    assert "Open your till before taking or paying out cash." in refused.content.decode()
    services.till_open(office_id=postmaster.post_office_id, clerk_id=postmaster.pk, opening_paise=0, actor=postmaster)
    for _ in range(2):
        assert client.post(reverse("banking:deposit", args=[account.number]), data).status_code == 302
    assert selectors.balance_of(account_number=account.number) == 300_00


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_post_once(clerk, open_account):
    account = open_account(0)
    url = reverse("banking:deposit", args=[account.number])
    data = {"form_key": "s" * 32, "amount": "500"}
    clients = []
    for _ in range(4):
        client = Client()
        client.force_login(clerk)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    answers = []

    def submit(client):
        try:
            barrier.wait()
            answers.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) in ([302], [302, 409])  # replayed, or told the first is still running
    assert selectors.balance_of(account_number=account.number) == 500_00
    assert JournalEntry.objects.filter(kind="deposit", postings__account=account.ledger).count() == 1
