"""The benchmark's floor view exists only when BENCH_FLOOR_VIEW turns it on."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import spasminfo.urls


@pytest.fixture
def reload_urls():
    def reload():
        clear_url_caches()
        importlib.reload(spasminfo.urls)

    yield reload
    reload()  # back to the URLconf of the settings in force


@pytest.mark.django_db
def test_no_floor_route_by_default(client, reload_urls, settings):
    assert settings.SPASMINFO_BENCH_FLOOR_VIEW is False
    reload_urls()
    assert client.get("/__floor__/").status_code == 404


@pytest.mark.django_db
def test_the_floor_route_answers_through_the_middleware_when_enabled(client, reload_urls):
    with override_settings(SPASMINFO_BENCH_FLOOR_VIEW=True):
        reload_urls()
        response = client.get("/__floor__/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["X-Frame-Options"] == "DENY"  # the full middleware stack ran
    assert "Content-Security-Policy" in response
