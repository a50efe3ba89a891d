"""Per-address rate limits for public endpoints: one decorator, every HTTP method counted.

A limit that counts only GET lets HEAD (or any other method) through uncounted: a
HEAD search does all the work of a GET and only drops the body. Every public form
or endpoint that costs work takes `limit_per_address`:

    @limit_per_address(group="vote", rate_setting="SPASMINFO_VOTE_RATE")
    def helpful_vote(request, slug): ...

    @limit_per_address(group="search", rate_setting="SPASMINFO_SEARCH_RATE")
    class SearchView(TemplateView): ...

Counting is django-ratelimit's, per client address (RATELIMIT_IP_META_KEY behind a
proxy), in the default cache; a refused request gets RATELIMIT_VIEW's 429 page.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited


def limit_per_address(*, group: str, rate_setting: str) -> Callable:
    """Limit a function view or a class-based view (all its methods, through dispatch) to
    the rate in settings.<rate_setting> (read per request, so tests may change it), per address.

    `group` names the counter; views that share a group share one budget. The view (or its
    class) carries `rate_limit = (group, rate_setting)`, so PageCacheMiddleware counts a
    request before it serves a cached page: a cache hit is counted like any other request.
    """

    def limit(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if over_limit(request, group, rate_setting):
                raise Ratelimited()
            return view_func(request, *args, **kwargs)

        return wrapped

    def apply(view):
        view = method_decorator(limit, name="dispatch")(view) if isinstance(view, type) else limit(view)
        view.rate_limit = (group, rate_setting)
        return view

    return apply


def over_limit(request: HttpRequest, group: str, rate_setting: str) -> bool:
    """Count this request against `group` (once, however many layers ask) and say whether
    the address is over the limit."""
    counted = request.__dict__.setdefault("_rate_limits_counted", {})
    if group not in counted:
        counted[group] = is_ratelimited(
            request,
            group=group,
            key="ip",
            rate=lambda _group, _request: getattr(settings, rate_setting),
            method=ALL,
            increment=True,
        )
        request.limited = getattr(request, "limited", False) or counted[group]
    return counted[group]


def refused(request: HttpRequest) -> HttpResponse:
    """The RATELIMIT_VIEW answer (429), for a refusal outside a view."""
    return import_string(settings.RATELIMIT_VIEW)(request, Ratelimited())
