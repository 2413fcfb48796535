"""The pages: the postman's beat, the delivery office, bags and the public tracking page."""

from __future__ import annotations

import re

import pytest

from delivery.models import Bag, EventType, TrackingEvent
from delivery.services import article_attempt, article_out_for_delivery

pytestmark = pytest.mark.django_db


def test_the_beat_lists_todays_articles_with_their_actions(book, postman, postmaster, login):
    otp_article, plain = book(otp=True), book(otp=False)
    for article in (otp_article, plain):
        article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    waiting = book(otp=False)
    page = login(postman).get("/delivery/beat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert otp_article.number in html and plain.number in html
    assert 'class="js-deliver-otp"' in html and 'class="js-deliver-sign"' in html
    assert "Ram Kumar" in html  # the postman needs the name at the door
    assert waiting.number in html  # ready to take out
    assert "<script>" not in html and "onclick" not in html  # CSP: static scripts only


def test_the_beat_is_for_postmen(login, clerk):
    assert login(clerk).get("/delivery/beat/").status_code == 403


def test_the_service_worker_covers_the_beat(client):
    answer = client.get("/delivery/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert "/delivery/beat/" in answer.content.decode()


def test_the_office_home_counts_the_day(book, postman, postmaster, login):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_attempt(article_number=article.number, reason="premises_locked", actor=postman)
    page = login(postmaster).get("/delivery/office/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Premises locked" in html
    assert article.number in html


def test_the_postmaster_assigns_beats(book, postman, postmaster, login):
    article = book(otp=False)
    client = login(postmaster)
    assert article.number in client.get("/delivery/office/assign/").content.decode()
    answer = client.post("/delivery/office/assign/", {"postman": postman.pk, "article": [article.number]})
    assert answer.status_code == 302
    event = TrackingEvent.objects.get(article=article, type=EventType.OUT_FOR_DELIVERY)
    assert event.postman == postman and event.actor == postmaster


def test_dispatch_page_lists_bad_numbers_and_links_the_manifest(book, clerk, places, login):
    good = book(otp=False)
    client = login(clerk)
    page = client.post(
        "/delivery/office/dispatch/",
        {"to_office": places.sub_offices[0].pk, "numbers": f"{good.number}\nEE473124828IN\n"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "EE473124828IN" in html and "check digit" in html
    bag = Bag.objects.get()
    manifest = client.get(f"/delivery/bags/{bag.number}/").content.decode()
    assert good.number[:2] in manifest and bag.number in manifest and places.sub_offices[0].name in manifest


def test_receive_page_receives_the_whole_bag(book, clerk, places, login, personas):
    from accounts.models import Role, User

    city = places.sub_offices[0]
    article = book(otp=False, recipient_pin=city.pin)
    login(clerk).post("/delivery/office/dispatch/", {"to_office": city.pk, "numbers": article.number})
    bag = Bag.objects.get()
    city_clerk, _ = User.objects.get_or_create(
        username="clerk_city", defaults={"role": Role.COUNTER_CLERK, "post_office": city}
    )
    page = login(city_clerk).post("/delivery/office/receive/", {"bag": bag.number, "numbers": ""})
    assert page.status_code == 200, page.content
    assert TrackingEvent.objects.filter(article=article, type=EventType.RECEIVED, office=city).exists()


def test_the_track_page_shows_the_masked_journey(book, client):
    article = book(otp=False)
    page = client.get("/track/", {"n": article.number.lower()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "R** K****" in html and "Ram Kumar" not in html
    assert "Bhagalpur H.O" in html
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d", html)


def test_the_track_page_explains_a_wrong_check_digit(client):
    page = client.get("/track/", {"n": "EE473124828IN"})
    assert page.status_code == 400
    assert "wrong check digit" in page.content.decode()


def test_the_track_page_in_hindi(book, client):
    article = book(otp=False)
    client.cookies["dakghar_lang"] = "hi"
    html = client.get("/track/", {"n": article.number}).content.decode()
    assert "भागलपुर प्रधान डाकघर" in html
    assert 'lang="hi"' in html


def test_the_beat_page_carries_the_tries_left_words_for_the_phone(book, postman, postmaster, login, settings):
    import html as html_lib
    import json

    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    page = login(postman).get("/delivery/beat/").content.decode()
    texts = json.loads(html_lib.unescape(re.search(r'data-tries-left="([^"]+)"', page).group(1)))
    assert texts == {
        str(n): f"{n} {'try' if n == 1 else 'tries'} left" for n in range(1, settings.DELIVERY_OTP_MAX_WRONG + 1)
    }
    assert re.search(r'class="muted small js-tries-left"[^>]*>5 tries left<', page)
