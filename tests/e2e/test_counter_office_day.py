"""The postmaster's day in a real browser: the office pages fit a 360 px phone and a
1280 px desk in English and Hindi, and the day is closed by keyboard alone through its
confirmation page. Set COUNTER_SCREENSHOTS=<dir> to keep a screenshot of each page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from counter import services
from counter.models import OfficeDayClose
from tests.counter.test_office_day import FLOAT, book
from tests.e2e.browser import launch_chromium
from tests.e2e.test_delivery_pages import session_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counted_day(clerk):
    """A day with a cash booking and its till counted: ready to close."""
    from banking import selectors as banking_selectors
    from counter.seed import reference_data_ensure

    reference_data_ensure()
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    book(clerk)
    expected = banking_selectors.till_balance(till_id=session.till_id)
    services.till_session_close(session_id=session.pk, denominations={"coins": expected}, actor=clerk)
    return session


def browser_page(playwright, browser, live_server, user, *, lang: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    context.add_cookies(
        [
            {"name": "dakghar_lang", "value": lang, "url": live_server.url},
            {"name": "sessionid", "value": session_for(user), "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_the_postmaster_closes_the_day_by_keyboard_through_the_confirmation(live_server, counted_day, postmaster):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context, page = browser_page(playwright, browser, live_server, postmaster, lang="en", width=1280)
        page.goto(live_server.url + "/counter/office/")
        for _ in range(80):  # Tab through the page to the close button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "close-day":
                break
        assert page.evaluate("document.activeElement.id") == "close-day"
        page.keyboard.press("Enter")
        page.wait_for_selector("#confirm-button")
        assert "Close the office day?" in page.inner_text("h1")
        assert not OfficeDayClose.objects.exists()  # asking closed nothing
        # The safer choice has the focus; Tab reaches the confirmation, Enter closes the day.
        assert page.evaluate("document.activeElement.textContent").strip() == "No, go back"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "confirm-button"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/counter/office/report/$"))
        assert "Day closed" in page.inner_text("article.report")
        assert OfficeDayClose.objects.count() == 1
        context.close()
        browser.close()


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_postmasters_pages_fit_a_phone_and_a_desk(live_server, counted_day, postmaster, clerk, lang):
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("COUNTER_SCREENSHOTS")
    paths = [
        ("/counter/office/", "office", postmaster),
        ("/counter/office/report/", "report", postmaster),
        (f"/counter/till/{counted_day.pk}/report/", "till", clerk),
    ]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for width in (360, 1280):
            for path, name, user in paths:
                context, page = browser_page(playwright, browser, live_server, user, lang=lang, width=width)
                assert page.goto(live_server.url + path).status == 200
                assert page.evaluate("document.documentElement.lang") == lang
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{shots}/{name}-{lang}-{width}.png", full_page=True)
                context.close()
            # The confirmation page, reached by its button.
            context, page = browser_page(playwright, browser, live_server, postmaster, lang=lang, width=width)
            page.goto(live_server.url + "/counter/office/")
            page.click("#close-day")
            page.wait_for_selector("#confirm-button")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if shots:
                page.screenshot(path=f"{shots}/confirm-{lang}-{width}.png", full_page=True)
            context.close()
        browser.close()
