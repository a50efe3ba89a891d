"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_django(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CACHE_URL", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("module", ["spasminfo.settings.base", "spasminfo.settings.production"])
def test_a_missing_secret_key_with_debug_off_stops_start_up(module):
    result = start_django(module, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_production_requires_allowed_hosts():
    result = start_django("spasminfo.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_requires_a_shared_cache():
    result = start_django("spasminfo.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="spasminfo.example")
    assert result.returncode != 0
    assert "CACHE_URL must point at a shared cache in production" in result.stderr


def test_production_starts_with_what_it_needs():
    result = start_django(
        "spasminfo.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="spasminfo.example",
        CACHE_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://spasminfo@db.example/spasminfo",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_requires_a_database_url():
    result = start_django(
        "spasminfo.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="spasminfo.example",
        CACHE_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set in production" in result.stderr


def test_only_postgresql_is_accepted():
    result = start_django("spasminfo.settings.dev", DATABASE_URL="mysql://root@127.0.0.1/spasminfo")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_development_runs_without_configuration():
    result = start_django("spasminfo.settings.dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize("module", ["spasminfo.settings.dev", "spasminfo.settings.production"])
def test_an_empty_cache_url_stops_start_up_with_a_clear_error(module):
    """CACHE_URL= (set but empty) used to stop start-up with KeyError: 'BACKEND'."""
    result = start_django(module, SECRET_KEY="x" * 50, ALLOWED_HOSTS="spasminfo.example", CACHE_URL="")
    print(f"\nCACHE_URL= with {module}: {result.stderr.strip().splitlines()[-1]}")
    assert result.returncode != 0
    assert "ImproperlyConfigured: CACHE_URL is set but empty" in result.stderr
    assert "KeyError" not in result.stderr
