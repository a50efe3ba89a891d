"""The source library changes no public page: a signed-off version shows its own snapshot of each
source, so adding or correcting a library entry keeps every kept page (precise invalidation); the
correction reaches readers with the next signed-off version that cites it."""

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


def state(url: str) -> tuple[str, str]:
    response = Client().get(url)
    return response["X-Page-Cache"], response.content.decode()


def test_adding_or_correcting_a_library_entry_keeps_the_cached_pages(
    publish, library_source, django_capture_on_commit_callbacks
):
    url = publish(body="Cramps at night are common [@miller2005].").get_absolute_url()
    state(url)
    assert state(url)[0] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        Source.objects.create(key="new2024", title="A new entry")
        library_source.title = "Muscle cramps, corrected"
        library_source.save()
    assert state(url)[0] == "hit"
    cache.clear()
    assert "Muscle cramps, corrected" not in state(url)[1]  # rendered afresh: still the version's snapshot
