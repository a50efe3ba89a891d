"""The public page cache: work once, serve many times, and never serve a stale page.

The promise: a change that reaches readers shows on every public page at the next request.
It does not depend on anyone remembering which page shows what:

- Every cached page depends on the site-wide *content generation* (the tag ``content``).
  Every editorial change replaces it, on commit: any save or delete of a model of the
  editorial apps (one generic signal receiver, ``connect_signals``), and every workflow
  service and the ``publish_scheduled`` command through ``content_changed()``, which is
  also what to call after a write that sends no signal (``QuerySet.update``, raw SQL).
  Editorial changes are rare; each one makes every page miss once.
- Writes by readers keep narrow tags, so a vote does not empty the cache: a view declares
  them in its URLconf (``cached_page(view, tags=["votes:{slug}"])``, formatted with the
  URL's arguments) and the write calls ``invalidate("votes:<slug>")``.

How a page is kept: each tag has a random token in the cache. Before rendering, the
page's tokens are read (and created if missing); the page is stored with them, and
served only while every token is still there and unchanged. A change during the render
replaces a token, so the page stored from it is dead on arrival; an evicted token or
page is a miss, never a stale page.

Bounded: a page is keyed by host, path and only the query parameters its view declares
(``cached_page(view, params=["page"])``), normalised; any other parameter (``utm_*``,
junk) is dropped before the view runs, so it shares the canonical page's entry. Pages
over ``SPASMINFO_PAGE_CACHE_MAX_BYTES`` are served but not kept. The date is part of the
key, so notices that depend on the day (overdue for review) never outlive it.

Served early: ``PageCacheMiddleware`` answers a hit before sessions, auth, messages and
CSRF run, with one cache round trip and the headers the page was stored with; a matching
If-None-Match / If-Modified-Since is answered 304 without rendering. A public page is the
same bytes for every reader (a form fetches its CSRF token when the reader uses it,
static/js/csrf.js), so a shared proxy may serve it too: pages send ``Cache-Control`` with
``s-maxage`` and a ``Surrogate-Key`` header of their tags, and every replacement of a tag
is also sent as an xkey purge to each proxy in ``CACHE_PURGE_URL`` (``purge``).
"""

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from functools import partial, wraps
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from articles import ratelimits
from operations.replica import wait_for_replicas

logger = logging.getLogger(__name__)

CONTENT = "content"  # the site-wide content generation: every cached page depends on it

# The apps whose models are editorial content: any save or delete of one of their models
# is an editorial change. Models written by readers are the exception, with narrow tags.
EDITORIAL_APPS = ("articles", "taxonomy")
READER_MODELS = {"articles.HelpfulVote"}  # invalidate("votes:<slug>") in articles.helpful

CSRF_PLACEHOLDER = "__spasminfo_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _page_key(request: HttpRequest) -> str:
    # request.GET is already canonical (see _canonical_query): junk parameters are not in it.
    raw = f"{request.get_host()}|{request.path}|{request.GET.urlencode()}|{timezone.localdate().isoformat()}"
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_hex(8)


# --- which query parameters make a different page ------------------------------------------


def _page_number(value: str) -> str | None:
    """A page number as the paginator reads it; page 1 and anything not a number are the first page."""
    return value if re.fullmatch(r"[1-9][0-9]{0,5}", value) and value != "1" else None


def _search_query(value: str) -> str | None:
    from articles.search import MAX_QUERY_LENGTH

    return " ".join(value.split())[:MAX_QUERY_LENGTH] or None


# Every parameter a cached view may declare, with the function that gives its canonical value
# (None: as if absent). Views see only canonical values, so equal keys mean equal pages.
PARAMETERS: dict[str, Callable[[str], str | None]] = {"page": _page_number, "q": _search_query}


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


# --- invalidating ----------------------------------------------------------------------------


class _Batch:
    """The tag replacements of one transaction. Every change registers its own on-commit
    callback (so each runs, or is discarded with its savepoint, exactly as Django decides),
    but once one of them has replaced a tag the others skip it: a bulk import that saves
    thousands of rows costs one cache write at commit, not thousands."""

    def __init__(self):
        self.done: set[str] = set()

    def replace(self, tags: frozenset[str]) -> None:
        todo = tags - self.done
        if todo:
            self.done |= todo
            # Only once every read replica has replayed the change: a page rendered from a replica
            # before then read the old data, and would be kept under the new tokens
            # (operations/replica.py, docs/DEPLOYMENT.md "Read replicas").
            wait_for_replicas()
            try:
                cache.set_many({_tag_key(tag): _new_token() for tag in todo}, timeout=None)
            finally:
                purge(todo)


def invalidate(*tags: str) -> None:
    """Make every page that depends on any of the tags miss, once the current transaction commits."""
    if not tags:
        return
    connection = transaction.get_connection()
    batch = getattr(connection, "_page_cache_batch", None)
    if batch is None or batch.done:  # nothing registered yet, or that transaction is over
        batch = connection._page_cache_batch = _Batch()
    transaction.on_commit(partial(batch.replace, frozenset(tags)), robust=True)


def content_changed() -> None:
    """An editorial change: every cached page misses at its next request (after commit).

    Saves and deletes of editorial models call it by themselves (signals); call it from
    writes that send no signal (QuerySet.update, bulk_update, raw SQL) and from workflow
    steps, so the promise does not rest on a signal being sent."""
    invalidate(CONTENT)


# --- telling a proxy (Varnish) what changed --------------------------------------------------


def purge(tags: Iterable[str]) -> None:
    """Ask every proxy in CACHE_PURGE_URL to drop the pages carrying any of `tags` (an xkey
    purge: `PURGE` with the keys in `xkey-purge`). Never raises: a proxy that is down must
    not fail the editorial step that changed the content; it is logged, and the page cache
    of the site itself is already fresh."""
    keys = " ".join(sorted(tags))
    for url in settings.SPASMINFO_CACHE_PURGE_URLS:
        parts = urlsplit(url)
        connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        try:
            connection = connection_class(parts.hostname, parts.port, timeout=settings.SPASMINFO_CACHE_PURGE_TIMEOUT)
            try:
                connection.request("PURGE", parts.path or "/", headers={"xkey-purge": keys})
                status = connection.getresponse().status
            finally:
                connection.close()
        except (OSError, HTTPException) as error:
            logger.error("Purging %s at %s failed: %s", keys, url, error)
            continue
        if status != 200:
            logger.error("Purging %s at %s answered %s", keys, url, status)


# --- serving -----------------------------------------------------------------------------


def _personal(request: HttpRequest, bypass_cookies: Iterable[str]) -> bool:
    """A request whose page may differ for this reader: never from or into a shared cache."""
    personal = (settings.SESSION_COOKIE_NAME, "messages", *bypass_cookies)
    return any(name in request.COOKIES for name in personal)


def _not_modified(request: HttpRequest, etag: str, last_modified: str) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag in {value.strip() for value in if_none_match.split(",")} or if_none_match.strip() == "*"
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
    response["X-Page-Cache"] = "hit"
    return response


def _tokens_before_rendering(tag_keys: list[str], found: dict) -> dict | None:
    """The tags' tokens to store the page under, creating missing ones (never seen, or evicted)."""
    tokens = {key: found[key] for key in tag_keys if key in found}
    missing = [key for key in tag_keys if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), timeout=None)  # keeps a token another process set meanwhile
        tokens.update(cache.get_many(missing))
    return tokens if len(tokens) == len(tag_keys) else None  # None: the cache is not keeping them


def _shareable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _public_headers(response: HttpResponse, tags: list[str]) -> None:
    """What a shared cache needs: keep it until purged (s-maxage), by these keys. Browsers
    revalidate every time (max-age=0), with the ETag."""
    response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.SPASMINFO_PAGE_CACHE_SECONDS}"
    response["Surrogate-Key"] = " ".join(tags)
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(time.time())


def _store(page_key: str, response: HttpResponse, tokens: dict) -> None:
    if CSRF_INPUT.search(response.content.decode(response.charset, errors="replace")):
        # One reader's token in a page every reader gets: their forms would all fail. A public
        # form gets its token on demand (data-csrf-url, static/js/csrf.js).
        logger.error("Not caching %s: the page carries a CSRF token", page_key)
        return
    headers = {name: value for name, value in response.items() if name != "X-Page-Cache"}
    entry = {"content": response.content, "headers": headers, "tokens": tokens}
    cache.set(page_key, entry, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
    response["X-Page-Cache"] = "miss"


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

        # A rate-limited route counts every request, cached or not (issue 10 point 3).
        limit = getattr(match.func, "rate_limit", None) or getattr(
            getattr(match.func, "view_class", None), "rate_limit", None
        )
        if limit is not None and ratelimits.over_limit(request, *limit):
            return ratelimits.refused(request)

        request.GET = _canonical_query(request.GET, page["params"])
        tags = [pattern.format(**match.kwargs) for pattern in page["tags"]]
        tokens = None
        if settings.SPASMINFO_PAGE_CACHE:
            page_key = _page_key(request)
            tag_keys = [_tag_key(tag) for tag in tags]
            found = cache.get_many([page_key, *tag_keys])  # one round trip for a hit
            entry = found.get(page_key)
            if entry is not None and all(found.get(key) == token for key, token in entry["tokens"].items()):
                return _serve(request, entry)
            tokens = _tokens_before_rendering(tag_keys, found)

        response = self.get_response(request)
        if not _shareable(response):
            return response
        _public_headers(response, tags)
        keep = tokens is not None and getattr(request, "_page_cache_keep", True)
        if keep and len(response.content) <= settings.SPASMINFO_PAGE_CACHE_MAX_BYTES:
            _store(page_key, response, tokens)
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
    content generation. Readers with a session, a pending message or one of
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


# --- every editorial save and delete is an editorial change ----------------------------------


def _editorial_change(sender, **kwargs):
    content_changed()


def editorial_models() -> list:
    """Every model of the editorial apps except those readers write, with the through
    models of their many-to-many fields (add/remove/clear send only m2m_changed)."""
    models = [
        model
        for label in EDITORIAL_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in READER_MODELS
    ]
    return models


def connect_signals() -> None:
    """Called from ArticlesConfig.ready(): one receiver for every editorial model."""
    for model in editorial_models():
        uid = f"pagecache-{model._meta.label}"
        post_save.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m")
