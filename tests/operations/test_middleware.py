"""When the database is unreachable readers get a clean 503 page, and the site recovers by itself
(operations/middleware.py); any other error gets the 500 page, which needs no database."""

import html
import json
import re
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key_header(db):
    from api.models import ApiKey

    key = ApiKey(name="outage test")
    raw = key.issue()
    key.save()
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def database_down():
    """Every query fails as it does when PostgreSQL is stopped (the test's own transaction stays open)."""
    return mock.patch.object(
        type(connections["default"]),
        "_cursor",
        side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    )


@pytest.mark.parametrize("url", ["/", "/articles/night-cramps/", "/causes/", "/causes/dehydration/"])
def test_public_pages_answer_503_with_retry_after_while_the_database_is_down(publish, url):
    publish()
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get(url)
    page = response.content.decode()
    print(f"\n{url} with the database down: {response.status_code}, Retry-After: {response.get('Retry-After')}")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "We will be back shortly" in page
    assert "Traceback" not in page and "OperationalError" not in page and "5432" not in page
    assert client.get(url).status_code == 200  # back by itself


def test_a_database_error_outside_a_view_still_gets_the_503_page(rf):
    from operations.middleware import server_error

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "We will be back shortly" in response.content.decode()


def test_other_errors_stay_500(rf):
    from operations.middleware import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/articles/night-cramps/", "/api/v1/causes/"])
def test_the_api_answers_json_while_the_database_is_down(publish, api_key_header, path):
    publish()
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get(path, **api_key_header)
    print(f"\n{path} with the database down: {response.status_code} {response['Content-Type']}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The service is temporarily unavailable. Retry in 30 seconds."}
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), ValueError("a bug")])
def test_an_api_error_outside_a_view_is_json_too(rf, error):
    from operations.middleware import server_error

    try:
        raise error
    except type(error):
        response = server_error(rf.get("/api/v1/articles/"))
    assert response["Content-Type"] == "application/json" and "detail" in json.loads(response.content)
    assert response.status_code == (503 if isinstance(error, OperationalError) else 500)
    assert "a bug" not in response.content.decode() and "connection" not in response.content.decode()


def test_a_story_posted_while_the_database_is_down_comes_back_on_the_503_page(publish, topic):
    from participation.guard import issue
    from participation.models import Prompt

    article = publish()
    Prompt.objects.create(text="What treatment did you use?", slug="treatment").topics.add(topic)
    url = reverse("participation:share_story", args=[article.slug, "treatment"])
    story = 'My calves cramp at night.\n\nMagnesium & stretching helped. <script>alert("x")</script>'
    data = {"display_name": "Sam <b>", "text": story, "consent": "on", "issued": issue("story"), "website": ""}
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 503 and "We will be back shortly" in page
    assert "What you wrote was not saved" in page
    assert html.escape(story) in page and "Sam &lt;b&gt;" in page
    assert '<script>alert("x")</script>' not in page  # escaped, never markup
    assert re.search(r"<textarea[^>]*readonly[^>]*>My calves cramp at night\.", page)
    assert data["issued"] not in page and "csrfmiddlewaretoken" not in page


def test_an_editors_draft_posted_while_the_database_is_down_comes_back_on_the_503_page(draft_factory, editor):
    draft = draft_factory()
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    data = {
        "title": "Night cramps, revised",
        "summary": "A new summary.",
        "body": "## Causes\n\nA long paragraph the editor spent an hour on [@1].",
        "revision_seen": draft.revision,
        "author_links-TOTAL_FORMS": 0,
        "_continue": "Save and continue editing",
    }
    with database_down():  # wherever it fails first: reading the session, the account or the version
        response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 503
    for typed in ("Night cramps, revised", "A new summary.", "A long paragraph the editor spent an hour on [@1]."):
        assert html.escape(typed) in page, typed
    assert "TOTAL_FORMS" not in page and "Save and continue" not in page


def test_a_form_posted_when_a_middleware_meets_the_outage_comes_back_too(rf):
    from operations.middleware import server_error

    request = rf.post("/questions/ask/", {"text": "Why do I cramp?", "csrfmiddlewaretoken": "t0ken"})
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 503 and "Why do I cramp?" in page and "t0ken" not in page


# --- the 500 page -----------------------------------------------------------------------------------


def test_the_500_page_renders_without_the_database_and_helps_the_reader_on(rf, django_assert_num_queries):
    from spasminfo import urls

    assert urls.handler500 == "operations.middleware.server_error"
    from operations.middleware import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/broken/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'href="/articles/"' in page and 'href="/causes/"' in page
    assert "<title>Something went wrong | spasminfo</title>" in page


def test_a_server_error_shows_the_500_page(settings, publish):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch("reader.views.HomeView.get_context_data", side_effect=RuntimeError("boom")):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_render_500_template_standalone():
    assert "spasminfo" in render_to_string("500.html", {"site_name": "spasminfo"})
