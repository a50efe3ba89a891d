"""Signed-in staff get an "Edit this page" link; cached reader pages never do."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse


@pytest.fixture
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signed_in_staff_see_edit_this_page_linking_to_the_article_admin(publish, editor, reviewer):
    article = publish()
    admin_url = reverse("admin:articles_article_change", args=[article.pk])

    for user in (editor, reviewer):
        page = signed_in(user).get(article.get_absolute_url()).content.decode()
        assert f'<a href="{admin_url}">Edit this page</a>' in page


def test_readers_never_see_the_link(publish, reader):
    assert "Edit this page" not in reader.get(publish().get_absolute_url()).content.decode()


def test_an_anonymous_cached_page_never_contains_the_link(publish, editor, page_cache_on):
    url = publish().get_absolute_url()
    staff = signed_in(editor)
    staff_page = staff.get(url)
    assert "Edit this page" in staff_page.content.decode()
    assert "X-Page-Cache" not in staff_page  # signed-in pages bypass the cache

    first = Client().get(url)
    again = Client().get(url)

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert "Edit this page" not in first.content.decode()
    assert "Edit this page" not in again.content.decode()
    assert "Edit this page" in staff.get(url).content.decode()  # still fresh for staff after caching
