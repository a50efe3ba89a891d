"""Local development: DEBUG on unless the environment says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403

# One process on one machine: a per-process cache is shared by everything there is.
# (production.py refuses such a cache.)
# The development package (generate_content); see devtools/apps.py.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
SPASMINFO_BENCH_FLOOR_VIEW = False  # /__floor__/ only with the bench settings
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
