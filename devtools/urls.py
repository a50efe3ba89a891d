"""Routes of the development package; included by spasminfo/urls.py only when devtools is installed."""

from django.conf import settings
from django.urls import path

from devtools.floor import floor

# The benchmark's "framework floor" (scripts/bench.py): routed only by the bench settings.
urlpatterns = [path("__floor__/", floor, name="bench_floor")] if settings.SPASMINFO_BENCH_FLOOR_VIEW else []
