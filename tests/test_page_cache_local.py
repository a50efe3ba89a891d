"""Each process keeps copies of the pages it serves, and still serves none that a change made
anywhere has replaced: the shared cache's tokens decide, at every request."""

import pytest
from django.core.cache import cache
from django.test import Client

from pagecache import middleware
from pagecache.tags import CONTENT, token_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    middleware.local_pages.clear()
    yield
    cache.clear()
    middleware.local_pages.clear()


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys each get_many of the shared cache asked for."""
    reads = []
    real = cache.get_many

    def recorded(keys, *args, **kwargs):
        reads.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", recorded)
    return reads


def test_a_hit_from_the_process_copy_fetches_only_the_tokens(publish, cache_reads):
    url = publish(slug="night-cramps").get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    cache_reads.clear()
    response = Client().get(url)
    assert response["X-Page-Cache"] == "hit" and b"Night cramps" in response.content
    (keys,) = cache_reads  # one round trip, and the page itself did not cross it
    assert keys and all(key.startswith("pagecache:tag:") for key in keys)


def test_a_change_made_by_another_process_is_seen_at_the_next_request(publish):
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    # Another process's change replaces the content generation in the shared cache only.
    cache.set(token_key(CONTENT), "replaced-elsewhere", timeout=None)
    assert Client().get(url)["X-Page-Cache"] == "miss"


def test_an_evicted_token_is_a_miss_even_with_the_process_copy(publish):
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    cache.delete(token_key(CONTENT))
    assert Client().get(url)["X-Page-Cache"] == "miss"


def test_the_process_copies_stay_within_their_byte_budget(settings):
    settings.SPASMINFO_PAGE_CACHE_LOCAL_BYTES = 250
    pages = middleware._LocalPages()
    for n in range(5):
        pages.put(f"page-{n}", {"content": b"x" * 100, "headers": {}, "tokens": {}})
    pages.get("page-3")  # page-3 and page-4 are kept; reading page-3 makes page-4 the next to go
    pages.put("page-5", {"content": b"x" * 100, "headers": {}, "tokens": {}})
    kept = [key for key in (f"page-{n}" for n in range(6)) if pages.get(key) is not None]
    assert kept == ["page-3", "page-5"]
    pages.put("too-big", {"content": b"x" * 251, "headers": {}, "tokens": {}})
    assert pages.get("too-big") is None


def test_without_a_budget_nothing_is_kept_in_the_process(settings, publish, cache_reads):
    settings.SPASMINFO_PAGE_CACHE_LOCAL_BYTES = 0
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    cache_reads.clear()
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert any(key.startswith("pagecache:page:") for key in cache_reads[0])
