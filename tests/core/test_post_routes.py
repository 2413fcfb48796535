"""Every state-changing API POST goes through core.idempotency: walk the URL
configuration and check that each POST route replays through it and refuses a
request without an Idempotency-Key (400) before anything else."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes that change nothing a retry could double, with the reason.
NOT_KEYED = {
    "api/v1/auth/token/": "sign-in: exchanges a password for a token; a retry simply signs in again",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def api_post_routes() -> list[tuple[str, type]]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if route.startswith("api/") and view_class is not None and hasattr(view_class, "post"):
            routes.append((route, view_class))
    return routes


def _url(route: str) -> str:
    # Arguments that name nothing: the key must be refused before any lookup.
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "ZZ000000000IN", route)


def test_the_walk_finds_every_app():
    apps = {view_class.__module__.split(".")[0] for _, view_class in api_post_routes()}
    assert {"banking", "counter", "delivery"} <= apps


def test_the_allow_list_names_real_routes():
    assert set(NOT_KEYED) <= {route for route, _ in api_post_routes()}


@pytest.mark.parametrize("route, view_class", api_post_routes(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_api_post_is_keyed(route, view_class):
    if route in NOT_KEYED:
        assert not hasattr(view_class.post, "idempotency_scope")
        return
    assert hasattr(view_class.post, "idempotency_scope"), f"{route}: its post is not @idempotent_post"


@pytest.mark.django_db
@pytest.mark.parametrize("route, view_class", api_post_routes(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_api_post_refuses_a_missing_key(route, view_class, login, clerk, postman, postmaster):
    if route in NOT_KEYED:
        pytest.skip(NOT_KEYED[route])
    # A user who passes the view's role check where one exists, else any staff member.
    app = view_class.__module__.split(".")[0]
    user = {"delivery": postmaster, "counter": clerk, "banking": clerk}.get(app, clerk)
    client = login(user)
    response = client.post(_url(route), {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 400, (route, response.content)
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_the_schema_says_every_keyed_post_needs_the_header():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for route, _view_class in api_post_routes():
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        headers = {p["name"]: p for p in schema["paths"][path]["post"].get("parameters", []) if p["in"] == "header"}
        if route in NOT_KEYED:
            assert "Idempotency-Key" not in headers
        else:
            assert headers["Idempotency-Key"]["required"] is True, route
