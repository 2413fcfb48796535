"""OpenAPI 3 at /api/schema/ and Swagger UI at /api/docs/, nothing from other sites."""

from __future__ import annotations

import re


def test_schema_is_openapi_3_json_and_describes_the_token_endpoint(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/auth/me/" in schema["paths"]


def test_swagger_ui_comes_from_our_own_static_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page loads its scripts and styles"
    assert all(not re.match(r"^(https?:)?//", url) for url in sources), sources
    assert "<script>" not in html  # no inline script (CSP)
