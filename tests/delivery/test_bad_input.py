"""Delivery reads article and bag numbers from ASCII digits only (issue 8, item 8):
a number typed in another script's digits is not read as the ASCII one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def api(clerk):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clerk)
    return client


def test_a_bag_number_in_other_digits_is_not_that_bag(api, book, places):
    article = book(otp=False)
    bagged = api.post(
        "/api/v1/delivery/bags/", {"to_office": places.sub_offices[0].pk, "articles": [article.number]}, format="json"
    )
    assert bagged.status_code == 201, bagged.content
    bag = bagged.json()["bag"]
    assert api.get(f"/api/v1/delivery/bags/{bag}/").status_code == 200
    assert api.get(f"/api/v1/delivery/bags/{bag.translate(ARABIC)}/").status_code == 404
    for huge in ["BG" + "9" * 4000, "BG99999999999999999999"]:
        assert api.get(f"/api/v1/delivery/bags/{huge}/").status_code == 404


def test_an_article_number_in_other_digits_is_not_that_article(api, book):
    article = book(otp=False)
    assert api.get(f"/api/v1/delivery/articles/{article.number}/").status_code == 200
    other = article.number.translate(ARABIC)
    assert api.get(f"/api/v1/delivery/articles/{other}/").status_code in (400, 404)
    assert APIClient().get(f"/api/v1/track/{other}/").status_code in (400, 404)


@pytest.mark.parametrize("to_office", ["٣", 10**30])
def test_a_dispatch_to_an_office_id_in_other_digits_is_400(api, book, to_office):
    article = book(otp=False)
    response = api.post("/api/v1/delivery/bags/", {"to_office": to_office, "articles": [article.number]}, format="json")
    assert response.status_code == 400, response.content[:200]


def test_someone_elses_article_and_bag_answer_like_missing_ones(api, book, places, outsider):
    """Issue 8, item 9: sequential numbers; not-yours and none answer alike."""
    from accounts.models import Role, User

    article = book(otp=False)
    bag = api.post(
        "/api/v1/delivery/bags/", {"to_office": places.sub_offices[0].pk, "articles": [article.number]}, format="json"
    ).json()["bag"]
    # A clerk at another sub office: not where the article is, was booked, goes or is bagged to.
    elsewhere = User.objects.create_user(
        username="far_clerk", password="x", role=Role.COUNTER_CLERK, post_office=places.sub_offices[-1]
    )
    unknown_article = "EE473124829IN"  # valid check digit, never booked
    unknown_bag = "BG" + str(int(bag.removeprefix("BG")) + 1000)
    for user in (outsider, elsewhere):
        client = APIClient()
        client.force_authenticate(user)
        mine, none = (
            client.get(f"/api/v1/delivery/articles/{article.number}/"),
            client.get(f"/api/v1/delivery/articles/{unknown_article}/"),
        )
        assert mine.status_code == none.status_code == 404, user.username
        assert mine.json()["error"]["code"] == none.json()["error"]["code"] == "article_not_found"
        mine, none = client.get(f"/api/v1/delivery/bags/{bag}/"), client.get(f"/api/v1/delivery/bags/{unknown_bag}/")
        assert mine.status_code == none.status_code == 404, user.username
        assert mine.json()["error"]["code"] == none.json()["error"]["code"] == "bag_not_found"


@pytest.mark.parametrize("to_office", ["٣", "9" * 4000, "x", ""])
def test_the_dispatch_page_refuses_an_office_in_other_digits(client, clerk, book, to_office):
    article = book(otp=False)
    client.force_login(clerk)
    response = client.post("/delivery/office/dispatch/", {"numbers": article.number, "to_office": to_office})
    assert response.status_code == 400
    assert "Choose the office to send the bag to." in response.content.decode()


@pytest.mark.django_db
def test_the_manifest_of_a_bag_that_does_not_exist_is_a_plain_404(login, postmaster):
    response = login(postmaster).get("/delivery/bags/BG99999999/")
    assert response.status_code == 404
