"""Every savings page fits a 360 px phone and a desktop, in English and Hindi (no
sideways scrolling on the phone, the page's language set, no English left on the Hindi
pages we check). Set BANKING_SCREENSHOTS=<dir> to keep a screenshot of each."""

from __future__ import annotations

import os
import time
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from banking import services
from banking.selfservice import ACCOUNT_KEY, COOKIE_NAME, LAST_SEEN_KEY, PENDING_KEY, SIGNED_IN_AT_KEY, TRANSFER_KEY
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def staff_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def store_cookie(data: dict) -> str:
    """A customer session holding `data`, as banking.selfservice keeps it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def customer_cookie(number: str, **extra) -> str:
    now = time.time()
    return store_cookie({ACCOUNT_KEY: number, SIGNED_IN_AT_KEY: now, LAST_SEEN_KEY: now, **extra})


@pytest.fixture
def scene(clerk, places):
    office = places.head_office.pk
    services.till_open(office_id=office, clerk_id=clerk.pk, opening_paise=50_000_00, actor=clerk)
    holder = services.customer_create(
        name="Sita Devi Srivastava",
        mobile="9876500021",
        address="4 Khalifabagh Chowk, near the old water tower, Bhagalpur",
        pin="812002",
        date_of_birth=timezone.localdate().replace(year=1985),
        gender="female",
        office_id=office,
        actor=clerk,
        aadhaar="234567890124",
    )
    account = services.account_open(
        customer_id=holder.pk, office_id=office, actor=clerk, nominee_name="Ram Devi", nominee_relation="mother"
    )
    payee = services.customer_account_open(
        customer={
            "name": "Mohan Lal",
            "mobile": "9876500022",
            "address": "Tilka Manjhi, Bhagalpur",
            "pin": "812001",
            "date_of_birth": timezone.localdate().replace(year=1970),
            "gender": "male",
        },
        office_id=office,
        actor=clerk,
    )
    for amount in (12_500_00, 1_250_50):
        services.deposit_post(account_number=account.number, amount_paise=amount, till_id=None, actor=clerk)
    services.withdrawal_post(account_number=account.number, amount_paise=700_00, till_id=None, actor=clerk)
    services.transfer_post(from_number=account.number, to_number=payee.number, amount_paise=1_000_00, actor=clerk)
    return {"account": account, "payee": payee}


def _pages(scene):
    number = scene["account"].number
    payee = scene["payee"].number
    transfer = {
        "to": payee,
        "payee": "M**** L**",
        "amount_paise": 500_00,
        "note": "rent",
        "form_key": "f" * 32,
        "sent_to": "98XXXXXX21",
        "expires_at": timezone.now().isoformat(),
        "done": None,
    }
    done = {
        **transfer,
        "done": {"entry_id": 99, "amount_paise": 500_00, "balance_paise": 11_550_50, "at": timezone.now().isoformat()},
    }
    return [
        ("clerk", "/banking/", "home"),
        ("clerk", "/banking/?q=9876500021", "find"),
        ("clerk", "/banking/open/", "open"),
        ("clerk", f"/banking/a/{number}/", "account"),
        ("clerk", f"/banking/a/{number}/withdraw/consent/?amount=700000&key={'k' * 32}", "consent"),
        ("clerk", f"/banking/a/{number}/statement/", "statement"),
        ("anon", "/banking/my/sign-in/", "my-signin"),
        (("pending", {PENDING_KEY: number}), "/banking/my/sign-in/code/", "my-code"),
        (("customer", {}), "/banking/my/", "my-home"),
        (("customer", {}), "/banking/my/statement/", "my-statement"),
        (("customer", {}), "/banking/my/transfer/", "my-transfer"),
        (("customer", {TRANSFER_KEY: transfer}), "/banking/my/transfer/confirm/", "my-confirm"),
        (("customer", {TRANSFER_KEY: done}), "/banking/my/transfer/done/", "my-done"),
        ("clerk", "/banking/my/", "my-staff-refused"),
    ]


ENGLISH_LEFT_OVER = ("Balance", "Statement", "Deposit", "Withdraw", "Send money", "Account number", "Opening balance")


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("width", [360, 1280])
def test_savings_pages_fit_a_phone_and_a_desktop(live_server, scene, clerk, lang, width):
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("BANKING_SCREENSHOTS")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for who, path, name in _pages(scene):
            context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900})
            cookies = [{"name": "dakghar_lang", "value": lang, "url": live_server.url}]
            if who == "clerk":
                cookies.append({"name": "sessionid", "value": staff_cookie(clerk), "url": live_server.url})
            elif who != "anon":
                kind, extra = who
                key = customer_cookie(scene["account"].number, **extra) if kind == "customer" else store_cookie(extra)
                cookies.append({"name": COOKIE_NAME, "value": key, "url": live_server.url + "/banking/my/"})
            context.add_cookies(cookies)
            page = context.new_page()
            response = page.goto(live_server.url + path)
            assert response.status in (200, 403), (path, response.status)
            assert page.evaluate("document.documentElement.lang") == lang
            if width == 360:
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, (path, lang)
            if lang == "hi":
                text = page.inner_text("main")
                for english in ENGLISH_LEFT_OVER:
                    assert english not in text, (path, english)
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}-{lang}-{width}.png", full_page=True)
            context.close()
        browser.close()
