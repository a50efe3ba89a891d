"""The page cache is bounded: parameters that do not change a page share its entry, entries
have a size limit, and losing any key to eviction gives a miss, never a stale page."""

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from articles import services
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def page_keys() -> list[str]:
    """The page entries in the (local memory) test cache."""
    return [key for key in cache._cache if "pagecache:page:" in key]


def state(url: str) -> str | None:
    return Client().get(url).get("X-Page-Cache")


@pytest.fixture
def routes(publish, after_commit, cause, topic, writer):
    article = after_commit(publish)
    return [
        reverse("articles:home"),
        reverse("articles:article_index"),
        article.get_absolute_url(),
        cause.get_absolute_url(),
        topic.get_absolute_url(),
        writer.get_absolute_url(),
        reverse("taxonomy:cause_index"),
        reverse("articles:search") + "?q=cramps",
        reverse("articles:feed"),
        reverse("sitemap"),
    ]


def test_tracking_tags_and_unknown_parameters_share_the_canonical_pages_entry(routes):
    home, index, article = routes[0], routes[1], routes[2]
    assert state(home) == "miss"
    assert state(home + "?utm_source=newsletter&utm_medium=email") == "hit"
    assert state(home + "?fbclid=abc123") == "hit"
    assert state(article + "?ref=twitter") == "miss"  # its own canonical page: first visit
    assert state(article + "?voted=1") == "hit"  # a reader without the voter cookie: the same page
    assert state(index) == "miss"
    assert state(index + "?page=abc") == "hit"  # not a number: the first page, as the paginator reads it
    assert state(index + "?page=1") == "hit"
    search = reverse("articles:search")
    assert state(search + "?q=cramps") == "miss"
    assert state(search + "?q=++cramps++&gclid=x") == "hit"
    assert len(page_keys()) == 4


def test_a_page_number_past_the_end_is_served_but_never_kept(routes, cause):
    url = cause.get_absolute_url() + "?page=900"
    response = Client().get(url)
    assert response.status_code == 200 and response.context["page_obj"].number == 1
    assert state(url) is None and page_keys() == []


@override_settings(RATELIMIT_ENABLE=False)  # a client's rate-limit counter is a cache key too; this counts pages
def test_ten_thousand_junk_urls_leave_the_number_of_cache_keys_bounded(routes):
    for url in routes:
        state(url)
    canonical_keys = len(cache._cache)
    assert len(page_keys()) == len(routes)

    client = Client()
    started = time.monotonic()
    hits = 0
    for n in range(10_000):
        url = routes[n % len(routes)]
        junk = [f"utm_source=mail{n}", f"x{n}=1", f"page=p{n}", "page=0", f"fbclid={n}"][n % 5]
        response = client.get(f"{url}{'&' if '?' in url else '?'}{junk}")
        hits += response.get("X-Page-Cache") == "hit"
    elapsed = time.monotonic() - started

    print(
        f"\n10000 junk URLs over {len(routes)} routes in {elapsed:.1f} s: {hits} hits, "
        f"cache keys {canonical_keys} before and {len(cache._cache)} after, {len(page_keys())} pages"
    )
    assert hits == 10_000  # none bypassed the cache
    assert len(cache._cache) == canonical_keys  # and none made an entry


def test_a_page_over_the_size_limit_is_served_but_not_kept(routes, settings):
    settings.SPASMINFO_PAGE_CACHE_MAX_BYTES = 1000
    article = routes[2]
    response = Client().get(article)
    assert response.status_code == 200 and len(response.content) > 1000
    assert state(article) is None and page_keys() == []


def _sign_off_new_title(article: Article, title: str, editor, submit, approve, after_commit) -> None:
    draft = services.start_draft(article=article, user=editor)
    draft.title = title
    draft.save()
    after_commit(approve, submit(draft))


def test_evicting_any_cache_key_gives_a_miss_never_a_stale_page(routes, editor, submit, approve, after_commit):
    """What Redis's LRU may do under its memory limit: drop any key, a page or a tag's token.
    For every key the warmed cache holds, drop it, change the article, and compare every
    route through the cache with a render that bypasses it."""
    article = Article.objects.get()
    for url in routes:
        state(url)
    keys = list(cache._cache)
    stale = []
    for n, key in enumerate(keys):
        for url in routes:
            state(url)  # warm again: entries under the current tokens
        cache._cache.pop(key, None)
        cache._expire_info.pop(key, None)
        _sign_off_new_title(article, f"Night cramps, edition {n}", editor, submit, approve, after_commit)
        for url in routes:
            cached = Client().get(url)
            fresh = Client(HTTP_COOKIE=f"{_bypass_cookie()}=1").get(url)
            if _without_csrf(cached.content) != _without_csrf(fresh.content):
                stale.append((key, url))
    print(f"\n{len(keys)} keys evicted one at a time x {len(routes)} routes: {len(stale)} stale")
    assert stale == []


def _bypass_cookie() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME  # a reader with a session always gets a fresh render


def _without_csrf(content: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
