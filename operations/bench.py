"""The framework's floor for the benchmark (scripts/bench.py): a view that does nothing.

`/__floor__/` exists only when the setting SPASMINFO_BENCH_FLOOR_VIEW is on (environment
variable BENCH_FLOOR_VIEW=1); by default the URL is not routed at all. The request still
goes through every middleware, so its cost is what any page costs before the view runs.
"""

from django.http import HttpResponse


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
