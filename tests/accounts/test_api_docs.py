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


def test_every_operation_documents_its_error_answers_in_the_error_shape(client, db):
    """Issue 8, item 9: the schema listed only the successes."""
    schema = client.get("/api/schema/?format=json").json()
    error_ref = {"$ref": "#/components/schemas/ApiErrorBody"}
    assert schema["components"]["schemas"]["ApiErrorBody"]["required"] == ["error"]
    assert set(schema["components"]["schemas"]["ApiError"]["required"]) == {"code", "message", "details"}
    operations = [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 40
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"400", "401", "403"}
        if "{" in path or method != "GET":
            expected.add("404")
        if method != "GET":
            expected |= {"409", "422", "429"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for code in expected:
            assert responses[code]["content"]["application/json"]["schema"] == error_ref, (method, path, code)
            assert responses[code]["description"]
    public = schema["paths"]["/api/v1/track/{number}/"]["get"]["responses"]
    assert "429" in public  # throttled, though a GET


def test_a_real_error_answer_has_the_documented_shape(client, db):
    schema = client.get("/api/schema/?format=json").json()
    documented = schema["components"]["schemas"]["ApiError"]["properties"]
    answer = client.post("/api/v1/auth/token/", {}, content_type="application/json").json()
    assert set(answer) == {"error"} and set(answer["error"]) == set(documented)
