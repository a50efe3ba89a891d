"""The API's OpenAPI schema is served, and is the one checked in (a change to the API is deliberate)."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi-v1.json"
REGENERATE = (
    "DJANGO_SETTINGS_MODULE=spasminfo.settings.test .venv/bin/python manage.py export_openapi_schema "
    "--api api.v1.api --output docs/api/openapi-v1.json --indent 2 --sorted"
)


@pytest.fixture
def served(reader):
    response = reader.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return response.json()


def test_the_served_schema_is_the_checked_in_one(served):
    assert served == json.loads(CHECKED_IN.read_text()), f"the API changed: review it, then run {REGENERATE}"


def test_every_content_route_is_described_and_needs_a_key(served):
    assert set(served["paths"]) == {
        f"/api/v1/{plural}/{suffix}"
        for plural in ("articles", "causes", "topics", "people")
        for suffix in ("", "{slug}/")
    } | {"/api/v1/removed/"}
    assert served["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": served["components"]["securitySchemes"]["ApiKeyAuth"]["description"],
    }
    for path in served["paths"].values():
        assert path["get"]["security"] == [{"ApiKeyAuth": []}]
        assert {"200", "304", "401", "422", "429"} <= set(path["get"]["responses"])


def test_the_article_record_is_described_with_schema_org_names(served):
    article = served["components"]["schemas"]["Article"]["properties"]
    assert {"@type", "@id", "lastReviewed", "reviewedBy", "citation", "author", "about", "datePublished"} <= set(
        article
    )
    parameters = {p["name"] for p in served["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert parameters == {"cursor", "limit", "modified_since"}


def test_a_person_reads_every_operation_on_the_documentation_page(served, reader):
    page = reader.get(reverse("api_documentation"))
    assert page.status_code == 200
    text = page.content.decode()
    for path in served["paths"]:
        assert f"GET {path}" in text
    assert "modified_since" in text and "If-None-Match" in text and "<code>422</code>" in text


def test_the_api_root_names_the_documentation_the_schema_and_the_lists(reader):
    answer = reader.get("/api/v1/")
    assert answer.status_code == 200
    index = answer.json()
    assert index["documentation"].endswith("/api/v1/docs/") and index["openapi"].endswith("/api/v1/openapi.json")
    assert index["lists"]["article"].endswith("/api/v1/articles/")
