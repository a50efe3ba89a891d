"""Serving public pages from the cache: `cached_page` marks a view, `PageCacheMiddleware` serves it.

A page is keyed by host, path, the canonical values of the query parameters its view declares,
the date and the release; it is stored with the tokens of its tags (tags.py) and served while
they are unchanged. An anonymous reader's page carries ``Cache-Control`` with ``s-maxage`` and a
``Surrogate-Key`` header of its tags and of what it shows (shown.py), for a proxy in front.
"""

import datetime
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from operations import ratelimits
from pagecache import tags as tokens_of
from pagecache import withdrawn
from pagecache.release import release
from pagecache.shown import page_keys, recording
from pagecache.tags import CONTENT, EPOCH, ChangedWhileRendering, token_key

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__spasminfo_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _page_key(request: HttpRequest) -> str:
    # request.GET is already canonical (see _canonical_query): junk parameters are not in it.
    raw = f"{request.get_host()}|{request.path}|{request.GET.urlencode()}|{timezone.localdate().isoformat()}"
    return f"pagecache:page:{release()}:" + hashlib.sha256(raw.encode()).hexdigest()


# --- which query parameters make a different page ------------------------------------------


def _page_number(value: str) -> str | None:
    """A page number as the paginator reads it; page 1 and anything not a number are the first page."""
    return value if re.fullmatch(r"[1-9][0-9]{0,5}", value) and value != "1" else None


# Every parameter a cached view may declare, with the function that gives its canonical value
# (None: as if absent). Views see only canonical values, so equal keys mean equal pages.
PARAMETERS: dict[str, Callable[[str], str | None]] = {"page": _page_number}


def canonical_parameter(name: str) -> Callable:
    """Declare the canonical form of a query parameter (a function of its value that gives the
    value a view sees, or None: as if absent), so views may declare it in
    `cached_page(params=...)`. Declare it where the view that reads it is defined, so it is
    known before the URLconf names it (e.g. the reader's search query, ``q``)."""

    def register(canonical: Callable[[str], str | None]) -> Callable[[str], str | None]:
        PARAMETERS[name] = canonical
        return canonical

    return register


def _canonical_query(query: QueryDict, params: Iterable[str]) -> QueryDict:
    canonical = QueryDict(mutable=True)
    for name in sorted(params):
        value = PARAMETERS[name](query[name]) if name in query else None
        if value is not None:
            canonical[name] = value
    canonical._mutable = False
    return canonical


def serve_uncached(request: HttpRequest) -> None:
    """The page being rendered is not the one its URL names (e.g. page 900 of a 3-page list,
    shown as page 3): serve it, but do not keep it, so such URLs cannot fill the cache."""
    request._page_cache_keep = False


# --- serving -----------------------------------------------------------------------------


def _personal(request: HttpRequest, bypass_cookies: Iterable[str]) -> bool:
    """A request whose page may differ for this reader: never from or into a shared cache."""
    personal = (settings.SESSION_COOKIE_NAME, "messages", *bypass_cookies)
    return any(name in request.COOKIES for name in personal)


def _not_modified(request: HttpRequest, etag: str, last_modified: str) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        # Weak comparison (RFC 9110 13.1.2), as for any GET: a client that got the page compressed
        # holds the weak form of its ETag (GZipMiddleware marks it W/).
        def opaque(tag: str) -> str:
            return tag.strip().removeprefix("W/")

        return opaque(etag) in {opaque(value) for value in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = parse_http_date_safe(last_modified)
    return since is not None and modified is not None and modified <= since


VALIDATOR_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Surrogate-Key", "Vary")


def _serve(request: HttpRequest, entry: dict) -> HttpResponse:
    headers = entry["headers"]
    if _not_modified(request, headers["ETag"], headers["Last-Modified"]):
        response = HttpResponseNotModified()
        for name in VALIDATOR_HEADERS:
            if name in headers:
                response[name] = headers[name]
    else:
        response = HttpResponse(entry["content"])
        for name, value in headers.items():
            response[name] = value
    if "Cache-Control" in headers:  # counted from now, not from when the page was stored
        response["Cache-Control"] = _shared_cache_control()
    response["X-Page-Cache"] = "hit"
    return response


def _shareable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _shared_cache_control() -> str:
    """Keep it until purged (s-maxage), but not past the end of the site's day: pages show what
    depends on the date (the overdue notice; with OVERDUE_POLICY=hide an overdue article leaves
    every page), and no purge is sent when a day begins. The site's own cache keys pages by date
    for the same reason. Browsers revalidate every time (max-age=0), with the ETag."""
    now = timezone.localtime()
    tomorrow = timezone.make_aware(datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time()))
    seconds = min(settings.SPASMINFO_PAGE_CACHE_SECONDS, int((tomorrow - now).total_seconds()))
    return f"public, max-age=0, s-maxage={max(seconds, 1)}"


def _public_headers(response: HttpResponse, tags: list[str]) -> None:
    """What a shared cache needs: how long to keep it, and the keys to purge it by."""
    response["Cache-Control"] = _shared_cache_control()
    response["Surrogate-Key"] = " ".join(tags)
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(time.time())


def _store(page_key: str, response: HttpResponse, tokens: dict, keys: list[str], started: float) -> None:
    if CSRF_INPUT.search(response.content.decode(response.charset, errors="replace")):
        # One reader's token in a page every reader gets: their forms would all fail. A public
        # form gets its token on demand (data-csrf-url, static/js/csrf.js).
        logger.error("Not caching %s: the page carries a CSRF token", page_key)
        return
    headers = {name: value for name, value in response.items() if name != "X-Page-Cache"}
    entry = {"content": response.content, "headers": headers, "tokens": tokens, "keys": keys, "stored_at": started}
    cache.set(page_key, entry, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
    local_pages.put(page_key, entry)
    response["X-Page-Cache"] = "miss"


class _LocalPages:
    """This process's copies of pages it served, by page key, up to
    SPASMINFO_PAGE_CACHE_LOCAL_BYTES (least recently used first out). Only the page's bytes are
    kept here: whether a copy may be served is decided, every time, by its tags' tokens in the
    shared cache, so a change made anywhere is seen at the next request, exactly as without it.
    It spares a hit the transfer of the page from the shared cache (tens of KB); the tokens are a
    few bytes each."""

    def __init__(self):
        self._pages: OrderedDict[str, dict] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        budget = settings.SPASMINFO_PAGE_CACHE_LOCAL_BYTES
        size = len(entry["content"])
        if size > budget:
            return
        with self._lock:
            self._drop(key)
            self._pages[key] = entry
            self._bytes += size
            while self._bytes > budget:
                self._drop(next(iter(self._pages)))

    def discard(self, key: str) -> None:
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._pages.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry["content"])


local_pages = _LocalPages()


def _current(entry: dict, found: dict) -> bool:
    """The page was stored under tokens that are all still the shared cache's, and shows nothing
    withdrawn from readers since (checked against the database whatever the cache says: withdrawn.py)."""
    return tokens_of.current(entry["tokens"], found) and not withdrawn.stale(
        entry.get("keys", ()), entry.get("stored_at")
    )


class PageCacheMiddleware:
    """Serves cached pages before the middlewares a cached anonymous page does not need
    (sessions, auth, messages, CSRF): put it right after SecurityMiddleware and CSPMiddleware,
    which add their headers to every response, cached or not. A hit is one cache round trip
    (the page and its tokens in one get_many) and carries the headers the page was stored with.

    It serves every route whose view is wrapped in `cached_page`; an anonymous reader's page
    gets Cache-Control with s-maxage and a Surrogate-Key header (for Varnish, see
    deploy/varnish/default.vcl) whether or not the page cache (PAGE_CACHE) is on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        page = getattr(match.func, "page_cache", None)
        if page is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or _personal(request, page["bypass_cookies"]):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        # A rate-limited route counts every request, cached or not, so the page cache never serves past a limit.
        limit = getattr(match.func, "rate_limit", None) or getattr(
            getattr(match.func, "view_class", None), "rate_limit", None
        )
        if limit is not None and ratelimits.over_limit(request, *limit):
            return ratelimits.refused(request)

        request.GET = _canonical_query(request.GET, page["params"])
        tags = [pattern.format(**match.kwargs) for pattern in page["tags"]]
        epoch = None
        started = time.time()
        if settings.SPASMINFO_PAGE_CACHE:
            page_key = _page_key(request)
            entry = local_pages.get(page_key)
            if entry is not None:  # this process has the page: only its tokens cross the network
                if _current(entry, cache.get_many(list(entry["tokens"]))):
                    return _serve(request, entry)
                local_pages.discard(page_key)
            # one round trip for the page and the tokens every page has; one more for those of what it showed
            found = cache.get_many([page_key, EPOCH, *(token_key(tag) for tag in tags)])
            entry = found.get(page_key)
            if entry is not None:
                missing = [key for key in entry["tokens"] if key not in found]
                if missing:
                    found.update(cache.get_many(missing))
                if _current(entry, found):
                    local_pages.put(page_key, entry)
                    return _serve(request, entry)
            epoch = tokens_of.epoch_before_rendering(found)

        with recording() as shown:  # what the page shows: its keys, here and at the proxy
            response = self.get_response(request)
        if not _shareable(response):
            return response
        keys = [*tags, *page_keys(shown)]
        try:
            tokens = tokens_of.tokens_after_rendering(keys, epoch)
        except ChangedWhileRendering:
            # Rendered (maybe) from data older than a change committed meanwhile, whose purge may
            # already have reached the proxy: served to this reader, kept by no cache.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        _public_headers(response, keys)
        keep = tokens is not None and getattr(request, "_page_cache_keep", True)
        if keep and len(response.content) <= settings.SPASMINFO_PAGE_CACHE_MAX_BYTES:
            _store(page_key, response, tokens, keys, started)
        return response


def cached_page(
    view: Callable | None = None,
    *,
    params: Iterable[str] = (),
    tags: Iterable[str] = (),
    bypass_cookies: Iterable[str] = (),
) -> Callable:
    """Mark a view as a public page that every anonymous reader gets byte for byte, served
    and kept by PageCacheMiddleware (and by a proxy in front, through its headers).

    `params` names the query parameters that make a different page (keys of PARAMETERS,
    e.g. "page", "q"); the view sees only those, normalised, and every other parameter
    shares the canonical page's entry. `tags` are narrow tags for what readers change,
    formatted with the URL's arguments ("votes:{slug}"); every page also depends on the
    keys of what the page shows (recorded while it renders). Readers with a session, a pending message or one of
    `bypass_cookies` (the helpful-vote cookie on article pages) always get a fresh render.
    The page must carry nothing per reader: a form gets its CSRF token on demand
    (`data-csrf-url`, static/js/csrf.js).
    """
    params = tuple(params)
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"cached_page: no canonical form for parameters {sorted(unknown)}; add them to PARAMETERS.")

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response

        wrapped.page_cache = {"params": params, "tags": (CONTENT, *tags), "bypass_cookies": tuple(bypass_cookies)}
        return wrapped

    return decorator(view) if view is not None else decorator


class StableETagMiddleware(ConditionalGetMiddleware):
    """Django's ConditionalGetMiddleware, with ETags that ignore the page's CSRF token, so a
    page that did not change revalidates (304) even with the page cache off."""

    def process_response(self, request, response):
        if (
            request.method == "GET"
            and not response.streaming
            and not response.has_header("ETag")
            and self.needs_etag(response)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            stable = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", response.content.decode(response.charset))
            response["ETag"] = quote_etag(hashlib.sha256(stable.encode()).hexdigest()[:32])
        return super().process_response(request, response)
