"""The public landing page offers savings self-service beside tracking; self-service pages
are the customer's own and do not put "Staff sign in" in their header."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def header(page: str) -> str:
    return re.search(r"<header.*?</header>", page, re.S).group(0)


def test_the_landing_page_offers_tracking_and_savings_self_service(client):
    page = client.get("/").content.decode()
    assert 'href="/track/"' in page
    assert re.search(r'<a class="btn" href="/banking/my/sign-in/">Sign in to your savings account</a>', page)
    assert "Staff sign in" in header(page)  # the public pages keep the staff's way in


def test_self_service_pages_have_no_staff_sign_in_in_the_header(client):
    response = client.get("/banking/my/sign-in/")
    assert response.status_code == 200
    top = header(response.content.decode())
    assert "Staff sign in" not in top and "/accounts/login/" not in top
    assert 'href="/track/"' in top


def test_in_hindi_too(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert "अपने बचत खाते में साइन इन करें" in client.get("/").content.decode()
    assert "कर्मचारी साइन इन" not in header(client.get("/banking/my/sign-in/").content.decode())
