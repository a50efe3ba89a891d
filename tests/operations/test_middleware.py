"""When the database is unreachable readers get a clean 503 page, and the site recovers by itself
(operations/middleware.py); any other error gets the 500 page, which needs no database."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
