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

from django.conf import settings
from django.utils.decorators import method_decorator
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit


def limit_per_address(*, group: str, rate_setting: str) -> Callable:
    """Limit a function view or a class-based view (all its methods, through dispatch) to
    the rate in settings.<rate_setting> (read per request, so tests may change it), per address.

    `group` names the counter; views that share a group share one budget.
    """
    limit = ratelimit(
        group=group,
        key="ip",
        rate=lambda _group, request: getattr(settings, rate_setting),
        method=ALL,
        block=True,
    )

    def apply(view):
        if isinstance(view, type):
            return method_decorator(limit, name="dispatch")(view)
        return limit(view)

    return apply
