"""The landing page's three ways in (tracking, savings self-service, staff) on a phone and a
desk, in English and Hindi; the self-service sign-in reached from it by keyboard has no
"Staff sign in" in its header. Set COUNTER_SCREENSHOTS=<dir> to keep the screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LABELS = {
    "en": ("Sign in to your savings account", "Staff sign in"),
    "hi": ("अपने बचत खाते में साइन इन करें", "कर्मचारी साइन इन"),
}


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("width", [360, 1280])
def test_landing_offers_self_service_and_its_pages_are_the_customers(live_server, lang, width):
    from playwright.sync_api import sync_playwright

    savings, staff = LABELS[lang]
    shots = os.environ.get("COUNTER_SCREENSHOTS")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900})
        context.add_cookies([{"name": "dakghar_lang", "value": lang, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/landing-{lang}-{width}.png", full_page=True)
        # By keyboard: Tab until the savings link has the focus, then Enter.
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == savings:
                break
        else:
            pytest.fail("the savings self-service link is not reachable by Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/banking/my/sign-in/")
        assert staff not in page.inner_text("header")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if shots:
            page.screenshot(path=f"{shots}/selfservice-signin-{lang}-{width}.png", full_page=True)
        context.close()
        browser.close()
