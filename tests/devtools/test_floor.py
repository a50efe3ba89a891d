"""The development package (devtools): the benchmark's floor view and generate_content exist only
in the dev, test and bench settings; production installs neither."""

import importlib
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import devtools.urls
import spasminfo.urls
from tests.production import ROOT, production_env


@pytest.fixture
def reload_urls():
    def reload():
        clear_url_caches()
        importlib.reload(devtools.urls)
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


SHOW = (
    "import django; django.setup(); from django.conf import settings; from django.urls import resolve, Resolver404\n"
    "from django.core.management import get_commands\n"
    "try:\n    resolve('/__floor__/'); floor = 'routed'\nexcept Resolver404:\n    floor = 'absent'\n"
    "print('devtools' in settings.INSTALLED_APPS, 'generate_content' in get_commands(), floor)"
)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("spasminfo.settings.production", "False False absent"),
        ("spasminfo.settings.bench", "True True routed"),
    ],
)
def test_production_ships_no_development_tools_and_the_bench_settings_add_them(tmp_path, module, expected):
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
