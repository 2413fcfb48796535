"""Pages on a real counter PC and phone: the live price check sends no customer's name,
address or mobile (not in a URL, not even in its body), and a table wider than a 360 px
phone scrolls inside its box and says so. Set COUNTER_SCREENSHOTS=<dir> to keep the
screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from delivery.services import article_out_for_delivery
from tests.counter.test_pages import form
from tests.delivery.conftest import booker
from tests.e2e.browser import launch_chromium
from tests.e2e.test_delivery_pages import session_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERSONAL = {
    "sender_name": "Ram Kumar",
    "sender_address": "Tilka Manjhi, Bhagalpur",
    "sender_mobile": "9812345610",
    "a-0-recipient_name": "Sita Devi",
    "a-0-recipient_address": "Fraser Road, Patna",
    "a-0-recipient_mobile": "9876543210",
}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _context(browser, live_server, user, *, width=360, lang="en"):
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900})
    context.add_cookies(
        [
            {"name": "dakghar_lang", "value": lang, "url": live_server.url},
            {"name": "sessionid", "value": session_for(user), "url": live_server.url},
        ]
    )
    return context


def _till_open(clerk) -> Client:
    from counter.refdata import reference_clear
    from counter.seed import reference_data_ensure

    reference_data_ensure()  # the tariff and PIN directory (a transactional test empties the database)
    reference_clear()
    client = Client()
    client.force_login(clerk)
    assert client.post("/counter/till/open/", {"d500": "4", "d100": "10", "coins": "50"}).status_code == 302
    return client


def test_the_price_check_sends_only_the_price_fields(browser, live_server, clerk):
    _till_open(clerk)
    context = _context(browser, live_server, clerk, width=1280)
    page = context.new_page()
    page.set_default_timeout(10_000)
    quotes = []
    page.on("request", lambda r: quotes.append(r) if "/counter/book/quote/" in r.url else None)
    page.goto(live_server.url + "/counter/")
    for name, value in PERSONAL.items():
        page.fill(f'[name="{name}"]', value)
    page.fill('[name="a-0-weight_g"]', "40")
    page.fill('[name="a-0-recipient_pin"]', "800001")
    page.check('[name="a-0-addons"][value="registration"]')
    # The quote is asked again as each field changes: wait for the one with the add-on.
    expect(page.locator("#quote [data-total]")).to_have_text("₹61.36")
    assert quotes
    for request in quotes:
        assert request.method == "POST"
        assert request.url == live_server.url + "/counter/book/quote/"  # no query string at all
        body = request.post_data or ""
        fields = {k for k, _v in (pair.split("=", 1) for pair in body.split("&") if pair)}
        assert fields <= {
            "sender_pin",
            "a-0-service",
            "a-0-weight_g",
            "a-0-recipient_pin",
            "a-0-addons",
            "a-0-discount",
        }
        for value in PERSONAL.values():
            assert value.split()[0] not in body and value.replace(" ", "+") not in body
        assert request.headers.get("x-csrftoken")
    # No request the page made carries a name, address or mobile in its address.
    context.close()


def test_wide_tables_on_a_phone_scroll_in_their_box_and_say_so(
    browser, live_server, places, clerk, postman, postmaster
):
    client = _till_open(clerk)
    for key in ("k1", "k2"):
        client.post("/counter/book/", form(key=key))
    book = booker(places, clerk)
    for _ in range(2):
        article_out_for_delivery(article_number=book(otp=True).number, postman=postman, actor=postmaster)
    session_id = re.search(r"/counter/till/(\d+)/", client.get("/counter/").content.decode())
    pages = [
        (postmaster, "/counter/office/"),
        (postmaster, "/counter/office/report/"),
        (postmaster, "/delivery/office/"),
    ]
    if session_id:
        pages.append((clerk, f"/counter/till/{session_id.group(1)}/report/"))
    shots = os.environ.get("COUNTER_SCREENSHOTS")
    scrollable = 0
    shot_taken: set[str] = set()
    for lang in ("en", "hi"):
        for user, path in pages:
            context = _context(browser, live_server, user, lang=lang)
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(live_server.url + path)
            page.evaluate("document.fonts.ready")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (path, lang)
            wraps = page.locator(".table-wrap")
            for i in range(wraps.count()):
                wrap = wraps.nth(i)
                wide = wrap.evaluate("w => w.scrollWidth > w.clientWidth + 1")
                hint = wrap.locator("xpath=preceding-sibling::*[1][contains(@class, 'scroll-hint')]")
                if not wide:
                    assert "is-scrollable" not in (wrap.get_attribute("class") or "")
                    assert hint.count() == 0 or not hint.is_visible()
                    continue
                scrollable += 1
                assert "is-scrollable" in wrap.get_attribute("class"), (path, i)
                assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
                assert hint.is_visible(), (path, i)
                assert ("»" in hint.inner_text()) and (lang == "en") == ("Wide table" in hint.inner_text())
                if shots and lang not in shot_taken:
                    shot_taken.add(lang)
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{shots}/wide-table-{lang}-360.png", full_page=True)
                # Scrolled to its far end, the hint has done its job.
                wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
                page.wait_for_function("h => h.hidden", arg=hint.element_handle())
            context.close()
    assert scrollable, "no table on these pages is wider than a 360 px phone: the test shows nothing"
