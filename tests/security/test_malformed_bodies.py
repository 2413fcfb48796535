"""Malformed bodies on every API route that takes a POST (issue 8, item 8).

Generated from the URL configuration like the matrix: each POST route of the API, as a
persona who may use it, on a real object of the Bhagalpur H.O, gets a JSON body that is
not an object, JSON nested 100,000 deep, and bytes that are not JSON. Each answer is a
4xx in the error shape, and nothing changes.
"""

from __future__ import annotations

import json

import pytest

from .conftest import new_key, state_snapshot
from .test_authorization_matrix import EXPECT, ROUTES, Route

pytestmark = pytest.mark.django_db

BODIES = {
    "array": json.dumps([None, None]),
    "string": json.dumps("AAA"),
    "number": "1",
    "null": "null",
    "deep": "[" * 100_000 + "]" * 100_000,
    "not-json": "{",
}
NOT_AN_OBJECT = "issue 8 item 8: a JSON body that is not an object answers 500"
UNLISTED = NOT_AN_OBJECT + " (the issue names till sessions; this route does the same)"
DEEP = "issue 8 item 8: JSON nested 100,000 deep answers 500"


def _post_routes() -> list[Route]:
    routes = []
    for route in ROUTES:
        view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
        if route.is_api and view_class is not None and hasattr(view_class, "post"):
            routes.append(route)
    return routes


POST_ROUTES = _post_routes()
# Routes that take no body (an approval): they may ignore what was sent and do their work.
NO_BODY = {"counter_api:cancel_approve", "banking_api:reversal_approve"}
# The view reads request.data.get(...) on whatever was sent.
READS_DATA_AS_A_DICT = {
    "counter_api:sessions": NOT_AN_OBJECT,
    "counter_api:session_close": NOT_AN_OBJECT,
    "counter_api:upi_confirm": UNLISTED,
    "counter_api:upi_cancel": UNLISTED,
    "counter_api:cancel_request": UNLISTED,
    "counter_api:cancel_reject": UNLISTED,
}
# The routes whose view parses the body (the others refuse first or read none).
PARSES_DEEP_JSON = (
    "auth_api:token",
    "banking_api:accounts",
    "banking_api:deposits",
    "banking_api:fees",
    "banking_api:payment_refund",
    "banking_api:posb_link",
    "banking_api:reversal_approve",
    "banking_api:reversal_reject",
    "banking_api:reversals",
    "banking_api:till_close",
    "banking_api:tills",
    "banking_api:transfers",
    "banking_api:upi_cancel",
    "banking_api:upi_confirm",
    "banking_api:withdrawal_otp",
    "banking_api:withdrawals",
    "counter_api:bookings",
    "counter_api:cancel_reject",
    "counter_api:cancel_request",
    "counter_api:session_close",
    "counter_api:sessions",
    "counter_api:upi_cancel",
    "counter_api:upi_confirm",
    "delivery_api:bag_receive",
    "delivery_api:bags",
    "delivery_api:events",
)
KNOWN: dict[tuple[str, str], str] = {
    **{
        (name, kind): reason
        for name, reason in READS_DATA_AS_A_DICT.items()
        for kind in ("array", "string", "number", "null", "deep")
    },
    **{(name, "deep"): DEEP for name in PARSES_DEEP_JSON},
}


def _params():
    for route in POST_ROUTES:
        for kind in BODIES:
            reason = KNOWN.get((route.name, kind))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(route, kind, id=f"{route.name}-{kind}", marks=marks)


def _who(route: Route) -> str:
    expect = EXPECT.get(route.name)
    if expect is None or "clerk" in expect.who:
        return "clerk"
    return sorted(expect.who)[0]  # the postmaster, for a cancellation decision


@pytest.mark.parametrize(("route", "kind"), list(_params()))
def test_a_malformed_body_is_a_clean_refusal(route: Route, kind: str, module_world):
    world, client = module_world.world, module_world.clients[_who(route)]
    values = {}
    if route.kwargs:
        from .test_authorization_matrix import _kwargs

        values = _kwargs(route, world, missing=False)
    before = state_snapshot()
    response = client.generic(
        "POST",
        route.path(values),
        data=BODIES[kind],
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=new_key("body"),
    )
    where = f"POST {route.path(values)} with {kind}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if route.name in NO_BODY and response.status_code < 400:
        return
    assert 400 <= response.status_code < 500, f"{where}: {response.status_code}"
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    assert state_snapshot() == before, f"{where} changed something"
