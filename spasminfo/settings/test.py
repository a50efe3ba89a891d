"""Test runs: fast hashing, in-memory email, a fixed key. The database is the embedded
PostgreSQL (started by tests/conftest.py) unless DATABASE_URL names another server."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Tests see every change at once; the page cache has its own tests, which switch it on.
os.environ.setdefault("PAGE_CACHE", "0")
os.environ.setdefault("FRAGMENT_CACHE", "0")  # likewise the article page's fragments (tests/reader/test_fragments.py)
# Each purge once: a test says which pages a change purges (tests/pagecache/test_purge.py checks the second).
os.environ.setdefault("CACHE_PURGE_AGAIN_SECONDS", "0")
# Each test starts with nothing withdrawn, as if just read (tests/conftest.py), so a page's query
# count does not depend on the clock; the withdrawals' own tests read them when they say.
os.environ.setdefault("WITHDRAWN_REFRESH_SECONDS", "3600")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SPASMINFO_EMAIL_DELIVERY = "django.core.mail.backends.locmem.EmailBackend"  # behind operations.mail
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405

# One process on one machine: a per-process cache is shared by everything there is.
# (production.py refuses such a cache.)
# The development package (generate_content); see devtools/apps.py.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
SPASMINFO_BENCH_FLOOR_VIEW = False  # /__floor__/ only with the bench settings (tests/devtools/test_floor.py)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
SPASMINFO_FORM_MIN_SECONDS = 0  # tests post at once; the guard's own tests set it
