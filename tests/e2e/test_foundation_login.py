"""The foundation in a real browser: a clerk signs in, lands on the counter and switches
to Hindi on the same page; an officer is asked to set up an authenticator (QR code)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-IN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")


def test_clerk_signs_in_lands_on_the_counter_and_switches_to_hindi(phone, live_server, clerk):
    sign_in(phone, live_server.url, clerk.username)
    phone.wait_for_url(f"{live_server.url}/counter/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("button", name="Sign out").is_visible()

    phone.locator(".lang-switch button[lang=hi]").click()
    phone.wait_for_load_state()
    assert phone.url == f"{live_server.url}/counter/"  # the same page
    assert phone.locator("html").get_attribute("lang") == "hi"
    assert phone.get_by_role("button", name="साइन आउट").is_visible()
    assert phone.locator(".site-header .who").inner_text().endswith("काउंटर लिपिक")  # "Counter clerk"
    # The page fits a 360 px phone: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_officer_is_shown_the_enrolment_qr_code(phone, live_server, thana_officer):
    sign_in(phone, live_server.url, thana_officer.username)
    phone.wait_for_url(re.compile(r".*/accounts/2fa/enrol/.*"))
    assert phone.get_by_role("heading", name="Set up two-factor sign in").is_visible()
    qr = phone.locator(".qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["width"] <= 360  # big enough to scan, fits the phone
    key = phone.locator("code.secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    # Until the code is confirmed the officer's home stays shut.
    phone.goto(f"{live_server.url}/verification/")
    assert "/accounts/2fa/" in phone.url
