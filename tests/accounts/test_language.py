"""The Hindi/English switch keeps the page; pages and dates follow the language."""

from __future__ import annotations

from django.conf import settings


def test_switching_to_hindi_returns_to_the_same_page_now_in_hindi(client, clerk, login):
    login(clerk)
    english = client.get("/counter/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "Sign out" in english.content.decode()

    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/counter/"}, follow=True)
    assert response.redirect_chain == [("/counter/", 302)]
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert "साइन आउट" in html  # "Sign out"
    assert "Sign out" not in html
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"

    back = client.post("/i18n/setlang/", {"language": "en", "next": "/counter/"}, follow=True)
    assert back.redirect_chain == [("/counter/", 302)]
    assert "Sign out" in back.content.decode()


def test_the_switch_on_every_page_posts_the_current_address(client, db):
    html = client.get("/accounts/login/?next=/counter/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" value="/accounts/login/?next=/counter/"' in html


def test_the_switch_keeps_a_public_page_for_a_visitor(client, db):
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/accounts/login/"}, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "कर्मचारी साइन इन" in response.content.decode()  # "Staff sign in"


def test_the_switch_refuses_to_send_people_to_another_site(client, db):
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"
