"""The postman's phone at 360x740: OTP hand-over with the code read from the SMS sent,
a signed hand-over, and an attempt recorded without a link that arrives once."""

from __future__ import annotations

import os

import pytest

from delivery.models import EventType, TrackingEvent
from delivery.services import article_out_for_delivery
from tests.conftest import PASSWORD
from tests.delivery.conftest import booker, use_sms_file
from tests.e2e.browser import launch_chromium

# Lets a route see (and abort) a service worker's own requests; read when the driver starts.
os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def book(places, clerk):
    return booker(places, clerk)


@pytest.fixture
def sms_file(settings, tmp_path):
    return use_sms_file(settings, tmp_path)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server, postman):
    """A 360x740 phone with the postman signed in (through the sign-in page)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers="block",
        locale="en-IN",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", postman.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/delivery/beat/")
    yield page
    context.close()


def _card(page, number):
    return page.locator(f'.beat-card[data-number="{number}"]')


def test_postman_delivers_with_the_code_from_the_sms(phone, book, postman, postmaster, sms_file, live_server):
    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    code = sms_file.latest_code(article.number)
    page = phone
    page.goto(f"{live_server.url}/delivery/beat/")
    card = _card(page, article.number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    # A wrong code first: the phone says how many tries are left, and so does the line
    # under the code field (it read 5 when the page was drawn).
    tries = card.locator(".js-tries-left")
    assert tries.inner_text() == "5 tries left"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    card.locator("input[name=otp]").fill(wrong)
    card.locator(".js-deliver-otp button[type=submit]").click()
    card.locator(".beat-msg.err").wait_for()
    assert "4" in card.locator(".beat-msg").inner_text()
    assert tries.inner_text() == "4 tries left"

    card.locator("input[name=otp]").fill(code)
    card.locator(".js-deliver-otp button[type=submit]").click()
    card.locator(".beat-msg.ok").wait_for()
    assert card.locator(".beat-status").inner_text() == "Delivered"
    assert code not in page.content()
    page.screenshot(path=str(sms_file.path.parent / "beat-delivered.png"))
    assert TrackingEvent.objects.filter(article=article, type=EventType.DELIVERED).count() == 1


def test_signed_hand_over_on_the_phone(phone, book, postman, postmaster, live_server):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    page = phone
    page.goto(f"{live_server.url}/delivery/beat/")
    card = _card(page, article.number)
    card.locator("input[name=receiver_name]").fill("Ram Kumar")
    pad = card.locator("canvas.sig-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()  # viewport coordinates: the pad must be on screen
    page.mouse.move(box["x"] + 20, box["y"] + 70)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 70 + (15 if step % 2 else -15))
    page.mouse.up()
    card.locator(".js-deliver-sign button[type=submit]").click()
    card.locator(".beat-msg.ok").wait_for()
    event = TrackingEvent.objects.get(article=article, type=EventType.DELIVERED)
    assert event.receiver_name == "Ram Kumar"
    assert bytes(event.proof.signature_png).startswith(b"\x89PNG")


def test_an_attempt_recorded_offline_arrives_once_when_the_link_returns(phone, book, postman, postmaster, live_server):
    otp_article = book(otp=True)
    plain = book(otp=False)
    for article in (otp_article, plain):
        article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    page = phone
    page.goto(f"{live_server.url}/delivery/beat/")
    page.context.set_offline(True)

    # Offline, an OTP cannot be checked: the phone offers "link down".
    otp_card = _card(page, otp_article.number)
    if otp_card.locator("details[open]").count() == 0:
        otp_card.locator("summary").click()
    otp_card.locator("input[name=otp]").fill("123456")
    otp_card.locator(".js-deliver-otp button[type=submit]").click()
    assert otp_card.locator(".js-attempt select").input_value() == "link_down"

    card = _card(page, plain.number)
    card.locator("summary").click()
    card.locator(".js-attempt select").select_option("premises_locked")
    card.locator(".js-attempt button[type=submit]").click()
    card.locator(".beat-msg.warn").wait_for()
    assert "1" in page.locator("#link-state").inner_text()
    assert not TrackingEvent.objects.filter(article=plain, type=EventType.ATTEMPTED).exists()

    page.context.set_offline(False)
    card.locator(".beat-msg.ok").wait_for()
    page.wait_for_function("JSON.parse(localStorage.getItem(Object.keys(localStorage)[0]) || '[]').length === 0")
    # Reload: nothing is left to send, nothing is sent twice.
    page.reload()
    page.wait_for_timeout(500)
    assert TrackingEvent.objects.filter(article=plain, type=EventType.ATTEMPTED).count() == 1
    event = TrackingEvent.objects.get(article=plain, type=EventType.ATTEMPTED)
    assert event.reason == "premises_locked" and event.idempotency_key


def test_the_beat_reloads_without_a_link_from_the_service_worker(browser, live_server, book, postman, postmaster):
    """Playwright's set_offline does not reach a service worker's own fetches, so those
    are aborted by a route as well (needs PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS,
    set before the driver starts: see the `browser` fixture)."""
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", postman.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/delivery/beat/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled: the worker keeps a copy of the beat
    page.wait_for_function("caches.match('/delivery/beat/').then(Boolean)")

    context.set_offline(True)
    # Whatever still tries the network (the worker's own fetches) finds none.
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    # Something changes on the server meanwhile: a copy from the cache cannot know it.
    later = book(otp=False)
    article_out_for_delivery(article_number=later.number, postman=postman, actor=postmaster)
    response = page.reload()
    assert response is not None and response.from_service_worker
    _card(page, article.number).wait_for()
    assert _card(page, later.number).count() == 0
    assert page.evaluate("navigator.onLine") is False
    context.close()
