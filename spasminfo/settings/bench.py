"""The benchmark's server (scripts/bench.py): production settings, plus the development package
(`generate_content` and the `/__floor__/` view the benchmark measures pages against)."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
SPASMINFO_BENCH_FLOOR_VIEW = True
