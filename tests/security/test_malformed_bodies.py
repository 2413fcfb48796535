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
# A hole found here is listed as (route name, body kind) -> reason, strict xfail.
KNOWN: dict[tuple[str, str], str] = {}


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
