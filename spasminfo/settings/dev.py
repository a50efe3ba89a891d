"""Local development: DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403

# Without CACHE_URL, a file cache shared by every process on this machine, so a change made
# by a command run from cron (publish_scheduled) or a shell reaches runserver's readers at
# their next request. Local memory would be one cache per process: the page cache of
# runserver would never hear of it.
if not env.str("CACHE_URL", default=""):  # noqa: F405
    CACHES = {
        "default": {
            **cache_from_url(f"filecache://{BASE_DIR / '.cache' / 'django'}"),  # noqa: F405
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    CACHES["ratelimits"] = CACHES["default"]

# The file cache is not atomic for django-ratelimit's counters; fine for one developer.
# (production.py refuses a cache that is not shared.)
# The development package (generate_content); see devtools/apps.py.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
SPASMINFO_BENCH_FLOOR_VIEW = False  # /__floor__/ only with the bench settings
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
