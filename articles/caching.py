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
``s-maxage`` and a ``Surrogate-Key`` header of their tags and of what they show (every
article loaded while rendering, ``article:<pk>``, and the lists their selectors declare,
``lists``: ``cause:``, ``topic:``, ``person:``, ``series:<pk>``, ``listings``).

Purged exactly: the proxy is sent xkey purges (``purge``, to each of ``CACHE_PURGE_URL``)
that are not the tokens replaced here. A change of one article (``article_changed``: its
workflow steps, and any save of the article or of its versions and their parts) replaces
``content`` here but purges at the proxy only the article's keys before and after the
change (``article_keys``); any other editorial change purges ``content``; a reader's
write its narrow tag. A page rendered while a change was committed is kept by no cache,
and every purge is sent again a moment later (``purge_twice``): docs/DEPLOYMENT.md,
"Varnish in front".
"""

import datetime
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, partial, wraps
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from operations import ratelimits
from operations.replica import wait_for_replicas

logger = logging.getLogger(__name__)

CONTENT = "content"  # the site-wide content generation: every cached page depends on it

# The apps whose models are editorial content: any save or delete of one of their models
# is an editorial change. Models written by readers are the exception, with narrow tags.
EDITORIAL_APPS = ("articles", "taxonomy")
READER_MODELS = {"articles.HelpfulVote"}  # invalidate("votes:<slug>") in articles.helpful
# A new row of these shows on no page until a version that cites it is signed off (which purges
# that article's pages): a draft adding a work to the library purges nothing at the proxy.
SHOWN_ONLY_WHEN_CITED = {"articles.Source"}

CSRF_PLACEHOLDER = "__spasminfo_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _page_key(request: HttpRequest) -> str:
    # request.GET is already canonical (see _canonical_query): junk parameters are not in it.
    raw = f"{request.get_host()}|{request.path}|{request.GET.urlencode()}|{timezone.localdate().isoformat()}"
    return f"pagecache:page:{release()}:" + hashlib.sha256(raw.encode()).hexdigest()


CODE_SUFFIXES = (".py", ".html", ".txt", ".xml")
NOT_RELEASED = {"tests", "devtools"}  # packages the pages are not made by


def release() -> str:
    """This release's name in the keys of kept pages and fragments (not in the tags' tokens, which
    every release shares, so a change reaches the pages of every server during a rolling deploy):
    pages and fragments kept by older code (its markup, its pickled models) are never served by
    newer code. SPASMINFO_RELEASE (RELEASE), else a hash of the code."""
    return settings.SPASMINFO_RELEASE or _code_fingerprint()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of the project's packages (Python files and templates) and of templates/, read once
    per process; nothing a running site writes (media, collected static files, caches) is in it."""
    base = settings.BASE_DIR
    folders = sorted(
        entry.name
        for entry in os.scandir(base)
        if entry.is_dir()
        and entry.name not in NOT_RELEASED
        and (entry.name == "templates" or os.path.exists(os.path.join(entry.path, "__init__.py")))
    )
    digest = hashlib.sha256()
    for top in folders:
        for folder, subfolders, files in os.walk(os.path.join(base, top)):  # in order: sorted in place
            subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
            for name in sorted(files):
                if name.endswith(CODE_SUFFIXES):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, base).encode())
                    with open(path, "rb") as source:
                        digest.update(source.read())
    return digest.hexdigest()[:12]


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
    """The replacements and purges of one transaction. Every change registers its own on-commit
    callback (so each runs, or is discarded with its savepoint, exactly as Django decides),
    but once one of them has replaced a tag or purged a key the others skip it: a bulk import
    that saves thousands of rows costs one cache write and one purge at commit, not thousands.

    `before` keeps each changed article's proxy keys as they were when the transaction first
    touched it (`article_keys`), so the purge reaches the pages it leaves as well as those it joins."""

    def __init__(self, owner=None):
        self.owner = owner  # the outermost atomic block of the transaction (None: autocommit)
        self.done: set[str] = set()  # tags whose tokens were replaced in the site's page cache
        self.purged: set[str] = set()  # keys purged at the proxy
        self.articles_done: set[int] = set()
        self.before: dict[int, set[str]] = {}
        self.version_owners: dict[int, int | None] = {}  # version id -> article id (caching._owner)
        self.keys: set[str] = set()  # to purge at commit (with the keys of `articles`)
        self.articles: set[int] = set()

    def remember(self, article_id: int) -> None:
        if article_id not in self.before:
            self.before[article_id] = article_keys(article_id)

    def replace(self, tags: frozenset[str]) -> None:
        """At commit (the first callback to run does the purge for the whole transaction)."""
        tags = tags - self.done
        keys = self._keys_to_purge()
        if not tags and not keys:
            return
        self.done |= tags
        self.purged |= keys
        # Only once every read replica has replayed the change: a page rendered from a replica
        # before then read the old data, and would be kept under the new tokens
        # (operations/replica.py, docs/DEPLOYMENT.md "Read replicas").
        wait_for_replicas()
        try:
            if tags:
                cache.set_many({_tag_key(tag): _new_token() for tag in tags}, timeout=None)
        finally:
            purge_twice(keys)

    def _keys_to_purge(self) -> set[str]:
        articles, self.articles = self.articles - self.articles_done, set()
        keys, self.keys = self.keys, set()
        self.articles_done |= articles
        if CONTENT in self.purged:
            return set()
        if len(articles) > MAX_ARTICLES_PER_PURGE:  # a bulk change: one purge of everything
            return {CONTENT}
        for article_id in articles:
            keys |= self.before.get(article_id, set()) | article_keys(article_id)
        return keys - self.purged


def _batch() -> _Batch:
    """The batch of the current transaction. A transaction that rolled back never ran its batch's
    callbacks: its batch must not be the next transaction's (its stale `before` keys and
    registered articles would be purged in place of the new ones), so a batch belongs to the
    outermost atomic block it was made in."""
    connection = transaction.get_connection()
    owner = connection.atomic_blocks[0] if connection.atomic_blocks else None
    batch = getattr(connection, "_page_cache_batch", None)
    # nothing registered yet, another transaction's, or this transaction's purge already sent
    if batch is None or batch.owner is not owner or batch.done or batch.purged:
        batch = connection._page_cache_batch = _Batch(owner)
    return batch


def _on_commit(tags: Iterable[str], keys: Iterable[str] = (), articles: Iterable[int] = ()) -> None:
    """Replace `tags` in the site's page cache and purge `keys` and the keys of `articles` at the
    proxy, once the current transaction commits. The purge is one request for the whole
    transaction (a savepoint rolled back may leave its keys in it: purged once too often)."""
    batch = _batch()
    batch.keys.update(keys)
    batch.articles.update(articles)
    transaction.on_commit(partial(batch.replace, frozenset(tags)), robust=True)


def invalidate(*tags: str) -> None:
    """Make every page that depends on any of the tags miss, once the current transaction
    commits: in the site's page cache, and at the proxy (the same keys)."""
    if tags:
        _on_commit(tags, keys=tags)


def token_key(tag: str) -> str:
    """Where a tag's token is kept: to read it with other keys in one `get_many` (`tokens`)."""
    return _tag_key(tag)


def tokens(tags: Iterable[str], found: dict | None = None) -> dict[str, str] | None:
    """The current tokens of `tags` (created if missing), by tag; None if the cache keeps none.

    For caches below the page (articles.fragments): work kept under these tokens is fresh
    exactly as long as a cached page with these tags is. `found` may hold the result of a
    `get_many` that included their `token_key`s, to read them in the same round trip."""
    tags = list(tags)
    kept = _tokens_before_rendering([_tag_key(tag) for tag in tags], found or {})
    return None if kept is None else {tag: kept[_tag_key(tag)] for tag in tags}


def content_changed() -> None:
    """An editorial change: every cached page misses at its next request (after commit), here
    and at the proxy.

    Saves and deletes of editorial models call it by themselves (signals); call it from
    writes that send no signal (QuerySet.update, bulk_update, raw SQL), so the promise does
    not rest on a signal being sent. A change of one article's content or state is
    `article_changed` (exact purges at the proxy)."""
    invalidate(CONTENT)


def article_changed(article_id: int) -> None:
    """A change of this article (a workflow step, a save of the article or of a version or its
    parts): after commit, every page of the site's own cache misses (the content generation is
    replaced, the safe fallback), and the proxy purges exactly the keys of the article before
    the change and after it (`article_keys`). Call it before changing anything, so the keys
    before are read before the change (saves of its models record them too, pre_save)."""
    _batch().remember(article_id)
    _on_commit([CONTENT], articles=[article_id])


# --- what a page shows: the keys a proxy purges it by ----------------------------------------

LISTINGS = "listings"  # every list an article can join or leave: home, A to Z, feed, sitemap, search, indexes
MAX_ARTICLE_KEYS = 100  # a page that shows more articles carries `listings` instead (bounded headers)
MAX_ARTICLES_PER_PURGE = 50  # a transaction changing more articles purges `content` at the proxy


def article_key(pk: int) -> str:
    return f"article:{pk}"


def cause_key(pk: int) -> str:
    return f"cause:{pk}"


def topic_key(pk: int) -> str:
    return f"topic:{pk}"


def person_key(pk: int) -> str:
    return f"person:{pk}"


def series_key(pk: int) -> str:
    return f"series:{pk}"


class _Shown:
    """The proxy keys of the page being rendered (`page_keys`)."""

    def __init__(self):
        self.articles: set[int] = set()
        self.lists: set[str] = set()
        self.declared = False


_shown: ContextVar[_Shown | None] = ContextVar("page_cache_shown", default=None)


def _article_loaded(sender, instance, **kwargs) -> None:
    """Every article loaded while a page renders is one the page shows (post_init)."""
    shown = _shown.get()
    if shown is not None and instance.pk is not None:
        shown.articles.add(instance.pk)


def lists(*keys: str) -> None:
    """The page being rendered lists the articles of these memberships (`cause_key(pk)`,
    `topic_key`, `person_key`, `series_key`, or LISTINGS): a change that makes an article join
    or leave one purges it. Called by the selectors that build the lists (articles.selectors)."""
    shown = _shown.get()
    if shown is not None:
        shown.lists.update(keys)
        shown.declared = True


@contextmanager
def recording() -> Iterator[_Shown]:
    """Record apart what the code inside shows (articles loaded, lists declared), then add it to
    the page being rendered. A cache below the page (articles.fragments) keeps the record with
    its work and replays it with `show` when it reuses the work without loading anything."""
    record = _Shown()
    marker = _shown.set(record)
    try:
        yield record
    finally:
        _shown.reset(marker)
        show(record)


def show(record: _Shown) -> None:
    """The page being rendered shows what `record` (from `recording`) showed."""
    shown = _shown.get()
    if shown is not None:
        shown.articles |= record.articles
        shown.lists |= record.lists
        shown.declared = shown.declared or record.declared


def page_keys(shown: _Shown) -> list[str]:
    """The proxy keys of a rendered page. Its articles need no keys of their own on a page that
    carries LISTINGS (every change of an article purges it); a page that declared no list
    (`lists`) may show any list: it carries LISTINGS, so one that forgets is purged too often,
    never too rarely."""
    keys = set(shown.lists) if shown.declared else {LISTINGS}
    if LISTINGS not in keys and len(shown.articles) > MAX_ARTICLE_KEYS:
        keys.add(LISTINGS)
    if LISTINGS not in keys:
        keys |= {article_key(pk) for pk in shown.articles}
    return sorted(keys)


def article_keys(article_id: int) -> set[str]:
    """The proxy keys of the pages that show this article, or list it, in its current state (read
    from the primary): its own, LISTINGS, and those of the lists it belongs to (its live
    version's causes and people, the last reviewer, its topic and series)."""
    from articles.models import Article, VersionAuthor, VersionCause

    keys = {article_key(article_id), LISTINGS}
    article = (
        Article.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk=article_id)
        .values("topic_id", "series_id", "live_version_id", "last_reviewed_by_id")
        .first()
    )
    if article is None:
        return keys
    keys.add(topic_key(article["topic_id"]))
    if article["series_id"]:
        keys.add(series_key(article["series_id"]))
    if article["last_reviewed_by_id"]:
        keys.add(person_key(article["last_reviewed_by_id"]))
    if article["live_version_id"]:
        version = article["live_version_id"]
        causes = VersionCause.objects.using(DEFAULT_DB_ALIAS).filter(content_object_id=version)
        keys |= {cause_key(pk) for pk in causes.values_list("tag_id", flat=True)}
        people = VersionAuthor.objects.using(DEFAULT_DB_ALIAS).filter(version_id=version)
        keys |= {person_key(pk) for pk in people.values_list("person_id", flat=True)}
    return keys


# --- telling a proxy (Varnish) what changed --------------------------------------------------


def purge_twice(keys: Iterable[str]) -> None:
    """Purge now, and once more SPASMINFO_CACHE_PURGE_AGAIN_SECONDS later (0: not again): a page
    rendered from the data before the change but stored by the proxy just after the first
    purge (a render that began before the commit and was not caught by its tokens, e.g. with
    the site's page cache off) is dropped by the second."""
    keys = frozenset(keys)
    purge(keys)
    delay = settings.SPASMINFO_CACHE_PURGE_AGAIN_SECONDS
    if keys and delay > 0 and settings.SPASMINFO_CACHE_PURGE_URLS:
        timer = threading.Timer(delay, purge, args=(keys,))
        timer.daemon = True
        timer.start()


def purge(tags: Iterable[str]) -> None:
    """Ask every proxy in CACHE_PURGE_URL to drop the pages carrying any of `tags` (an xkey
    purge: `PURGE` with the keys in `xkey-purge`). Never raises: a proxy that is down must
    not fail the editorial step that changed the content; it is logged, and the page cache
    of the site itself is already fresh."""
    keys = " ".join(sorted(tags))
    if not keys:
        return
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
    if "Cache-Control" in headers:  # counted from now, not from when the page was stored
        response["Cache-Control"] = _shared_cache_control()
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


def _changed_while_rendering(tokens: dict) -> bool:
    found = cache.get_many(list(tokens))
    return any(found.get(key) != token for key, token in tokens.items())


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


def _store(page_key: str, response: HttpResponse, tokens: dict) -> None:
    if CSRF_INPUT.search(response.content.decode(response.charset, errors="replace")):
        # One reader's token in a page every reader gets: their forms would all fail. A public
        # form gets its token on demand (data-csrf-url, static/js/csrf.js).
        logger.error("Not caching %s: the page carries a CSRF token", page_key)
        return
    headers = {name: value for name, value in response.items() if name != "X-Page-Cache"}
    entry = {"content": response.content, "headers": headers, "tokens": tokens}
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
    """The page was stored under tokens that are all still the shared cache's."""
    return all(found.get(key) == token for key, token in entry["tokens"].items())


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
            entry = local_pages.get(page_key)
            if entry is not None:  # this process has the page: only its tokens cross the network
                found = cache.get_many(tag_keys)
                if _current(entry, found):
                    return _serve(request, entry)
                local_pages.discard(page_key)
            found = cache.get_many([page_key, *tag_keys])  # one round trip for a hit
            entry = found.get(page_key)
            if entry is not None and _current(entry, found):
                local_pages.put(page_key, entry)
                return _serve(request, entry)
            tokens = _tokens_before_rendering(tag_keys, found)

        shown = _Shown()
        marker = _shown.set(shown)
        try:
            response = self.get_response(request)
        finally:
            _shown.reset(marker)
        if not _shareable(response):
            return response
        if tokens is not None and _changed_while_rendering(tokens):
            # Rendered (maybe) from data older than a change committed meanwhile, whose purge may
            # already have reached the proxy: served to this reader, kept by no cache.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        _public_headers(response, [*tags, *page_keys(shown)])
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


def _owner(instance) -> int | None:
    """The article whose content or state `instance` is (the article, a version, a version's part,
    review, event or redirect), or None: a change of anything else (a person, a cause, a
    source, a series) may show anywhere, and purges `content` at the proxy."""
    from articles.models import Article, ArticleVersion

    if isinstance(instance, Article):
        return instance.pk
    if isinstance(getattr(instance, "article_id", None), int):
        return instance.article_id
    version_id = instance._version_id() if hasattr(instance, "_version_id") else getattr(instance, "version_id", None)
    if not isinstance(version_id, int):
        return None
    owners = _batch().version_owners  # one query per version and transaction, however many parts change
    if version_id not in owners:
        owner = ArticleVersion.objects.using(DEFAULT_DB_ALIAS).filter(pk=version_id).values_list("article_id")
        owners[version_id] = next(iter(owner.first() or ()), None)
    return owners[version_id]


def _before_editorial_change(sender, instance=None, action=None, **kwargs):
    """pre_save, pre_delete, m2m pre_*: note the keys of the article as they are before the change."""
    if action is not None and not action.startswith("pre_"):
        return
    article_id = _owner(instance) if instance is not None and instance.pk is not None else None
    if article_id is not None:
        _batch().remember(article_id)


def _editorial_change(sender, instance=None, action=None, created=False, **kwargs):
    if action is not None and not action.startswith("post_"):
        return
    article_id = _owner(instance) if instance is not None else None
    if article_id is not None:
        article_changed(article_id)
        if isinstance(getattr(instance, "tag_id", None), int):
            # a cause link, even a draft's: the candidates of the cause's related lists changed
            _on_commit([], keys=[cause_key(instance.tag_id)])
    elif created and sender._meta.label in SHOWN_ONLY_WHEN_CITED:
        _on_commit([CONTENT])  # the site's cache as for any change; no page of the proxy shows it yet
    else:
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
    """Called from ArticlesConfig.ready(): one receiver for every editorial model, and the
    collector of the articles a page shows."""
    for model in editorial_models():
        uid = f"pagecache-{model._meta.label}"
        pre_save.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-save")
        pre_delete.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_save.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m")
            m2m_changed.connect(_before_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m-pre")
    post_init.connect(_article_loaded, sender=apps.get_model("articles", "Article"), dispatch_uid="pagecache-shown")
