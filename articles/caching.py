"""The public page cache: work once, serve many times, and drop the pages whose tags a change replaces.

Which tags a change replaces is written by hand (see "Who invalidates" below): a page
stays fresh as long as every change that affects it names one of its tags.

Anonymous GET responses of the public pages are stored in Django's cache (Redis
in production, so every server process shares them). Each page records the
*tags* it depends on while it renders (``depends_on(request, "article:7", ...)``);
each tag has a random token in the cache. A stored page is served only while
every tag still holds the token it was rendered under, so changing something
means replacing its tags' tokens (``invalidate``), and the pages showing it
miss on their very next request, on every server. An evicted token never brings
a stale page back: a missing token is a miss.

Who invalidates: the workflow services when a version goes live, is re-reviewed,
archived or restored (``article_changed``); helpful votes (``votes:<id>``); and
edits of people and taxonomy (signal receivers at the bottom of this module).

A race is closed by time: a tag token also carries when it was replaced, and a
page rendered while one of its tags was being replaced is not stored.

Conditional requests: a stored page has an ETag and a Last-Modified date, so a
matching If-None-Match / If-Modified-Since is answered 304 without rendering.
Pages cached for readers embed the reader's own CSRF token at serving time.
"""

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from operations.replica import wait_for_replicas

SITE = "site"  # every cached page depends on it: invalidate("site") empties the page cache
LISTING = "listing"  # the set of listed articles, or their order (home, A to Z, search, feed, sitemap)
TAXONOMY = "taxonomy"  # cause groups, causes and topics as lists (home, cause index, sitemap)
PEOPLE = "people"  # the set of people (sitemap)

CSRF_PLACEHOLDER = "__spasminfo_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
CACHE_CONTROL = "public, no-cache"  # may be stored, but revalidated (ETag) before each use


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _page_key(request: HttpRequest) -> str:
    # The date is part of the key: notices that depend on the day (overdue) never outlive it.
    raw = f"{request.get_host()}|{request.get_full_path()}|{timezone.localdate().isoformat()}"
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _new_token(replaced_at: float | None = None) -> str:
    """A tag's token: random, and when it was last replaced (0 for a tag never invalidated)."""
    return f"{secrets.token_hex(8)}@{time.time() if replaced_at is None else replaced_at:.6f}"


def _replaced_at(token: str) -> float:
    return float(token.rsplit("@", 1)[1])


# --- recording and invalidating ------------------------------------------------------------


def depends_on(request: HttpRequest, *tags: str) -> None:
    """Declare that the page being rendered shows something these tags stand for."""
    recorded = getattr(request, "_page_cache_tags", None)
    if recorded is not None:
        recorded.update(tags)


def declaring(view: Callable, *tags: str) -> Callable:
    """`view`, declaring `tags` for every page it renders (for views we do not write, e.g. feeds)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        depends_on(request, *tags)
        return view(request, *args, **kwargs)

    return wrapped


def invalidate(*tags: str) -> None:
    """Make every page that depends on any of the tags miss, after the current transaction commits."""
    tags = tuple(dict.fromkeys(tags))
    if tags:
        transaction.on_commit(lambda: _replace(tags))


def _replace(tags: tuple[str, ...]) -> None:
    # Only once a read replica has replayed the change: a page rendered from it before then
    # read the old tokens, so it is not kept (operations/replica.py).
    wait_for_replicas()
    cache.set_many({_tag_key(tag): _new_token() for tag in tags}, timeout=None)


def article_tags(article, *versions) -> list[str]:
    """The tags of everything an article's pages and lists show: the article itself, the
    listing, and the causes, topic, series and people of the given versions (old and new)."""
    tags = [f"article:{article.pk}", LISTING, f"topic:{article.topic_id}"]
    if article.series_id:
        tags.append(f"series:{article.series_id}")
    # "person-articles:<id>": the lists on a person's page (a byline shows "person:<id>", their own fields)
    if article.last_reviewed_by_id:
        tags.append(f"person-articles:{article.last_reviewed_by_id}")
    for version in versions:
        if version is None:
            continue
        tags += [f"cause:{tag_id}" for tag_id in version.cause_links.values_list("tag_id", flat=True)]
        people = [*version.author_links.values_list("person_id", flat=True)]
        people += version.reviews.values_list("reviewer_id", flat=True)
        tags += [f"person-articles:{person_id}" for person_id in people]
    return tags


def article_changed(article, *versions, previous_topic_id: int | None = None) -> None:
    """What readers see of `article` changed (a version went live, a re-review, archive, restore,
    a change of topic or series): invalidate its pages and every list it was or is in."""
    tags = article_tags(article, *versions)
    if previous_topic_id and previous_topic_id != article.topic_id:
        tags.append(f"topic:{previous_topic_id}")
    invalidate(*tags)


# --- serving -----------------------------------------------------------------------------


def _cacheable_request(request: HttpRequest, bypass_cookies: Iterable[str]) -> bool:
    if not settings.SPASMINFO_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    personal = (settings.SESSION_COOKIE_NAME, "messages", *bypass_cookies)
    return not any(name in cookies for name in personal)


def _fresh(entry: dict) -> bool:
    tokens = cache.get_many([_tag_key(tag) for tag in entry["tags"]])
    return all(tokens.get(_tag_key(tag)) == token for tag, token in entry["tags"].items())


def _not_modified(request: HttpRequest, etag: str, last_modified: float) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag in {value.strip() for value in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


def _validators(response: HttpResponse, etag: str, last_modified: float) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _serve(request: HttpRequest, entry: dict) -> HttpResponse:
    if _not_modified(request, entry["etag"], entry["last_modified"]):
        return _validators(HttpResponseNotModified(), entry["etag"], entry["last_modified"])
    content = entry["content"]
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, content_type=entry["content_type"])
    response["X-Page-Cache"] = "hit"
    return _validators(response, entry["etag"], entry["last_modified"])


def _store(request: HttpRequest, response: HttpResponse, tags: set[str], started: float) -> HttpResponse:
    keys = [_tag_key(tag) for tag in tags]
    tokens = cache.get_many(keys)
    missing = [key for key in keys if key not in tokens]
    for key in missing:
        cache.add(key, _new_token(replaced_at=0), timeout=None)  # keeps a token another process set meanwhile
    if missing:
        tokens = cache.get_many(keys)
    margin = settings.SPASMINFO_PAGE_CACHE_CLOCK_SKEW  # servers' clocks differ a little
    changed_meanwhile = any(_replaced_at(token) > started - margin for token in tokens.values())
    if len(tokens) != len(keys) or changed_meanwhile:
        return response  # something it shows changed while it rendered: serve it, but do not keep it
    content = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", response.content.decode()).encode()
    etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
    entry = {
        "content": content,
        "content_type": response["Content-Type"],
        "tags": {tag: tokens[_tag_key(tag)] for tag in tags},
        "etag": etag,
        "last_modified": time.time(),
    }
    cache.set(_page_key(request), entry, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
    response["X-Page-Cache"] = "miss"
    return _validators(response, etag, entry["last_modified"])


def cached_page(view: Callable | None = None, *, bypass_cookies: Iterable[str] = ()) -> Callable:
    """Serve an anonymous reader's page from the cache, or render it and keep it.

    Readers with a session, a pending message or one of `bypass_cookies` (the
    helpful-vote cookie on article pages) always get a fresh render.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request, bypass_cookies):
                return view_func(request, *args, **kwargs)
            entry = cache.get(_page_key(request))
            if entry is not None and _fresh(entry):
                return _serve(request, entry)
            started = time.time()
            request._page_cache_tags = {SITE}
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            return _store(request, response, request._page_cache_tags, started)

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


# --- edits made outside the workflow services: people and taxonomy ------------------------


def _person_saved(sender, instance, **kwargs):
    invalidate(f"person:{instance.pk}", PEOPLE)


def _cause_saved(sender, instance, **kwargs):
    invalidate(f"cause:{instance.pk}", TAXONOMY)


def _cause_group_saved(sender, instance, **kwargs):
    invalidate(TAXONOMY, *(f"cause:{pk}" for pk in instance.causes.values_list("pk", flat=True)))


def _topic_saved(sender, instance, **kwargs):
    invalidate(f"topic:{instance.pk}", TAXONOMY)


def _series_saved(sender, instance, **kwargs):
    invalidate(f"series:{instance.pk}")


def connect_signals() -> None:
    """Called from ArticlesConfig.ready()."""
    from articles.models import Person, Series
    from taxonomy.models import Cause, CauseGroup, Topic

    for model, receiver in [
        (Person, _person_saved),
        (Cause, _cause_saved),
        (CauseGroup, _cause_group_saved),
        (Topic, _topic_saved),
        (Series, _series_saved),
    ]:
        post_save.connect(receiver, sender=model, dispatch_uid=f"pagecache-{model._meta.label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
