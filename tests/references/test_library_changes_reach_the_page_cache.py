"""The source library is editorial content though it lives in its own app: adding or correcting
an entry replaces the site's content generation, as any editorial change does."""

import pytest
from django.core.cache import cache
from django.test import Client

from references.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def state(url: str) -> str:
    return Client().get(url)["X-Page-Cache"]


def test_adding_or_correcting_a_library_entry_makes_the_cached_pages_miss(publish, django_capture_on_commit_callbacks):
    url = publish().get_absolute_url()
    state(url)
    assert state(url) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        source = Source.objects.create(key="new2024", title="A new entry")
    assert state(url) == "miss"
    assert state(url) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        source.title = "A corrected entry"
        source.save()
    assert state(url) == "miss"
