"""GET /api/v1/counter/tariff/ and the PIN look-up partial."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/api/v1/counter/tariff/"


def test_tariff_for_anyone(client: Client):
    response = client.get(
        URL,
        {
            "service": "speed_post",
            "weight_g": 40,
            "origin_pin": "812001",
            "dest_pin": "800001",
            "addons": "otp,registration",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["amount_paise"] == 4700
    assert body["addons_paise"] == 1000
    assert body["gst_paise"] == 1026
    assert body["total_paise"] == 6726
    assert body["band"] == "upto_200"
    assert body["destination"]["town"] == "Patna G.P.O."


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"service": "speed_post", "weight_g": 0, "origin_pin": "812001", "dest_pin": "800001"}, "bad_weight"),
        (
            {"service": "speed_post", "weight_g": 99999, "origin_pin": "812001", "dest_pin": "800001"},
            "weight_over_limit",
        ),
        ({"service": "fax", "weight_g": 10, "origin_pin": "812001", "dest_pin": "800001"}, "unknown_service"),
        ({"service": "speed_post", "weight_g": 10, "origin_pin": "812001", "dest_pin": "000001"}, "bad_pin"),
        ({"service": "speed_post", "weight_g": 10, "origin_pin": "812001", "dest_pin": "999999"}, "unknown_pin"),
        ({"service": "speed_post", "weight_g": 10, "origin_pin": "812001"}, "bad_pin"),
        (
            {"service": "speed_post", "weight_g": 10, "origin_pin": "812001", "dest_pin": "800001", "addons": "x"},
            "unknown_addon",
        ),
    ],
)
def test_bad_input_is_400_with_the_error_shape(client: Client, params, code):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)


def test_pin_lookup_shows_the_town(clerk, login):
    client = login(clerk)
    response = client.get("/counter/pin/", {"recipient_pin": "813210"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Sabour S.O, Bhagalpur, Bihar" in response.content.decode()
    unknown = client.get("/counter/pin/", {"pin": "999999"}).content.decode()
    assert "not in the PIN directory" in unknown


def test_pin_lookup_is_for_counter_staff_only(postman, login):
    assert login(postman).get("/counter/pin/", {"pin": "812001"}).status_code == 403
