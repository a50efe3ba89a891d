"""CACHE_URL picks the cache: local memory by default, Redis when it points at one."""

import os
import socket
import subprocess
import sys
import uuid

import pytest

from spasminfo.settings.base import cache_from_url
from tests.production import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def test_without_cache_url_the_cache_is_local_memory():
    assert cache_from_url("locmemcache://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_redis_url_gives_djangos_redis_cache_with_short_timeouts():
    config = cache_from_url("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "operations.cache.RedisCache"  # Django's, reusing its client objects
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert config["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


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
