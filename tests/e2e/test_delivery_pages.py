"""Every delivery page fits a 360 px phone in English and Hindi (no sideways scrolling),
and shows no untranslated delivery label in Hindi. Set DELIVERY_SCREENSHOTS=<dir> to
keep a screenshot of each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from delivery.services import article_attempt, article_out_for_delivery, bag_dispatch
from tests.delivery.conftest import booker
from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    if user.needs_two_factor:
        device, _ = StaticDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client.cookies["sessionid"].value


@pytest.fixture
def scene(places, clerk, postman, postmaster):
    book = booker(places, clerk)
    out_otp, out_plain, attempted, _waiting, bagged = (book(otp=i % 2 == 0) for i in range(5))
    for article in (out_otp, out_plain, attempted):
        article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_attempt(article_number=attempted.number, reason="addressee_absent", actor=postman)
    bag = bag_dispatch(
        article_numbers=[bagged.number, "EE473124828IN"],
        from_office_id=places.head_office.pk,
        to_office_id=places.sub_offices[0].pk,
        actor=clerk,
    ).bag
    return {"article": out_otp, "bag": bag}


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_delivery_pages_fit_a_phone(live_server, scene, postman, postmaster, lang):
    from playwright.sync_api import sync_playwright

    shots = os.environ.get("DELIVERY_SCREENSHOTS")
    pages = [
        (postman, "/delivery/beat/", "beat"),
        (postmaster, "/delivery/office/", "office"),
        (postmaster, "/delivery/office/assign/", "assign"),
        (postmaster, "/delivery/office/dispatch/", "dispatch"),
        (postmaster, "/delivery/office/receive/", "receive"),
        (postmaster, f"/delivery/bags/{scene['bag'].number}/", "manifest"),
        (postmaster, f"/delivery/articles/{scene['article'].number}/", "article"),
        (None, f"/track/?n={scene['article'].number}", "track"),
        (None, "/track/?n=EE473124828IN", "track-bad"),
    ]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for user, path, name in pages:
            context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
            cookies = [{"name": "dakghar_lang", "value": lang, "url": live_server.url}]
            if user is not None:
                cookies.append({"name": "sessionid", "value": session_for(user), "url": live_server.url})
            context.add_cookies(cookies)
            page = context.new_page()
            response = page.goto(live_server.url + path)
            assert response.status in (200, 400), (path, response.status)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (path, lang)
            assert page.evaluate("document.documentElement.lang") == lang
            if lang == "hi":
                body = page.inner_text("main")
                for english in ("Delivered", "Out for delivery", "Record attempt", "Article number", "Bag manifest"):
                    assert english not in body, (path, english)
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}-{lang}.png", full_page=True)
            context.close()
        browser.close()
