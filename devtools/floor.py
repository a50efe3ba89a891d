"""The framework's floor for the benchmark (scripts/bench.py): a view that does nothing.

`/__floor__/` is routed only with the bench settings (spasminfo.settings.bench, which set
SPASMINFO_BENCH_FLOOR_VIEW); production does not install this package at all. The request
still goes through every middleware, so its cost is what any page costs before the view runs.
"""

from django.http import HttpResponse


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
