"""Kept pages and fragments name the code that made them (pagecache/release.py)."""

import pytest
from django.core.cache import cache

from tests.pagecache.test_middleware import fetch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_new_release_renders_afresh_what_older_code_kept(publish, settings, django_assert_num_queries):
    """Kept pages and fragments name the code that made them (pagecache.release): a deploy never
    serves the old markup or the old code's pickled models."""
    settings.SPASMINFO_FRAGMENT_CACHE = True
    url = publish().get_absolute_url()
    fetch(url)
    assert fetch(url)[1] == "hit"
    settings.SPASMINFO_RELEASE = "next-release"
    with django_assert_num_queries(11):  # the article page, cold (tests/reader/test_selectors.py)
        assert fetch(url)[1] == "miss"
    assert fetch(url)[1] == "hit"


def test_the_code_fingerprint_follows_the_code_and_templates_not_what_the_site_writes(settings, tmp_path):
    from pagecache.release import _code_fingerprint

    fingerprint = _code_fingerprint.__wrapped__  # uncached: read the tree again
    settings.BASE_DIR = tmp_path
    for path, text in {"app/__init__.py": "", "app/views.py": "x = 1", "templates/page.html": "<p>"}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    first = fingerprint()
    for written in ("media/upload.txt", "staticfiles/robots.txt", ".cache/django/page.txt", "tests/articles/test_x.py"):
        (tmp_path / written).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / written).write_text("anything")
    assert fingerprint() == first
    (tmp_path / "templates/page.html").write_text("<p class=new>")
    assert fingerprint() != first
    (tmp_path / "templates/page.html").write_text("<p>")
    (tmp_path / "app/views.py").write_text("x = 2")
    assert fingerprint() != first
