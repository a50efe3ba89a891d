"""Settings come from the environment; production refuses unsafe defaults. CACHE_URL picks the
cache: local memory by default, Redis when it points at one. `check --deploy` is clean with
production settings; cookies are secure and HttpOnly."""

import os
import re
import socket
import subprocess
import sys
import time
import uuid

import pytest

from spasminfo.settings.base import cache_from_url
from tests.production import ROOT, production_env


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


# --- CACHE_URL picks the cache ------------------------------------------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def test_without_cache_url_the_cache_is_local_memory():
    assert cache_from_url("locmemcache://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_redis_url_gives_djangos_redis_cache_with_short_timeouts():
    config = cache_from_url("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "operations.cache.RedisCache"  # Django's, reusing its client objects
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


def redis_unreachable() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return None
    except OSError as error:
        return f"Redis is not reachable on 127.0.0.1:6379 ({error})"


def test_the_redis_cache_works_against_a_real_redis():
    reason = redis_unreachable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(f"CI needs Redis: {reason}")
        pytest.skip(reason)
    key = f"test-{uuid.uuid4().hex}"
    code = f"""
import django; django.setup()
from django.core.cache import caches
cache = caches["default"]
print(type(cache).__module__ + "." + type(cache).__name__)
cache.set("{key}", {{"answer": 42}}, timeout=30)
print(cache.get("{key}"))
print(cache.incr(cache.add("{key}-n", 1) and "{key}-n"))
cache.delete_many(["{key}", "{key}-n"])
print(cache.get("{key}", "gone"))
"""
    env = {**os.environ, "CACHE_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "spasminfo.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    print(f"\nCACHE_URL={REDIS_URL}: {lines[0]}; set/get {lines[1]}, incr -> {lines[2]}, after delete: {lines[3]}")
    assert lines[:4] == ["operations.cache.RedisCache", "{'answer': 42}", "2", "gone"]


# --- check --deploy and production cookies ------------------------------------------------------


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = (result.stdout + result.stderr).strip()
    found = re.search(r"identified (\d+) issue", output)
    issues = int(found.group(1)) if found else 0
    print(f"\ncheck --deploy: {issues} issues ({output.splitlines()[-1]})")
    assert result.returncode == 0, output
    # the one silenced check is django-ratelimit's list of caches (see spasminfo/settings/base.py)
    assert "System check identified no issues (1 silenced)." in output


def test_production_cookies_are_secure_and_http_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    print(f"\nsession Secure, HttpOnly; CSRF Secure, HttpOnly: {result.stdout.strip()}")
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_hsts_is_configured_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    env = production_env(
        tmp_path, SECURE_HSTS_SECONDS="86400", SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["86400", "False", "False"]


# --- cron and runserver are two processes: the development cache is shared --------------------------


def run_with_development_settings(*args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="spasminfo.settings.dev", **env)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_development_cache_is_shared_by_every_process():
    """Not local memory, which would be one cache per process."""
    key = f"probe-{os.getpid()}-{time.monotonic_ns()}"
    script = "import django, sys; django.setup(); from django.core.cache import cache; "
    run_with_development_settings("-c", script + f"cache.set('{key}', 'from another process', 60)")
    seen = run_with_development_settings("-c", script + f"print(cache.get('{key}')); cache.delete('{key}')")
    assert seen.strip() == "from another process"
