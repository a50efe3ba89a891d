"""Pages that once showed stale content, each reproduced with the page cache on: every one
showed the old content before the site-wide content generation (tests/test_freshness_matrix.py
covers every field; these are the reported cases, step by step). With SPASMINFO_TEST_PROXY=varnish
the pages are fetched through a real Varnish in front of the live server (tests/proxy.py)."""

import datetime
import importlib
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services
from articles.models import Article, Series
from tests.proxy import PROXIED

FETCH = []  # the `pages` of the running test (tests/proxy.py)


@pytest.fixture(autouse=True)
def page_cache_on(settings, pages):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_FRAGMENT_CACHE = True  # and the article page's fragments (reader/fragments.py)
    cache.clear()
    FETCH[:] = [pages]
    yield
    cache.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def page(url: str) -> str:
    response = FETCH[0].get(url)
    return response.content.decode() if response.status_code == 200 else f"status {response.status_code}"


def cached(*urls: str) -> None:
    for url in urls:
        FETCH[0].get(url)
        assert FETCH[0].get(url).stored, url


@pytest.mark.django_db(transaction=PROXIED)
def test_renaming_a_series_shows_on_the_cards_of_the_home_and_topic_pages(publish, after_commit, topic):
    article = publish()
    series = Series.objects.create(name="Cramps explained", slug="cramps-explained")
    article.series, article.part_number = series, 1
    after_commit(article.save)
    home, topic_page = reverse("articles:home"), topic.get_absolute_url()
    cached(home, topic_page)
    assert "Cramps explained" in page(home) and "Cramps explained" in page(topic_page)

    series.name = "Cramps, part by part"
    after_commit(series.save)

    assert "Cramps, part by part" in page(home) and "Cramps explained" not in page(home)
    assert "Cramps, part by part" in page(topic_page) and "Cramps explained" not in page(topic_page)


@pytest.mark.django_db(transaction=PROXIED)
def test_renaming_a_person_or_a_topic_shows_in_the_feed(publish, after_commit, reviewer, topic):
    article = publish()
    feed = reverse("articles:feed")
    person = article.live_version.author_links.first().person  # the feed's authors are the writers
    cached(feed)
    assert person.name in page(feed) and topic.name in page(feed)

    person.name = "Ana Rivera-Lopez"
    after_commit(person.save)
    assert "Ana Rivera-Lopez" in page(feed)

    topic.name = "Muscles and joints"
    after_commit(topic.save)
    assert "Muscles and joints" in page(feed)


@pytest.mark.django_db(transaction=PROXIED)
def test_with_overdue_policy_hide_a_shorter_topic_interval_takes_the_article_off_every_page(
    settings, draft_factory, submit, approve, after_commit, topic, cause, reviewer
):
    settings.SPASMINFO_OVERDUE_POLICY = "hide"
    version = draft_factory()
    submit(version)
    approve(version, at=timezone.now() - datetime.timedelta(days=150))  # due in about seven months
    article = Article.objects.get()
    lists = [
        reverse("articles:article_index"),
        reverse("articles:feed"),
        cause.get_absolute_url(),
        reviewer.person.get_absolute_url(),
    ]
    cached(article.get_absolute_url(), *lists)
    assert all(article.get_absolute_url() in page(url) for url in lists)

    # A medical reviewer shortens the topic's interval ("Change review interval"): the article is now overdue.
    after_commit(lifecycle.set_review_interval, target=topic, months=3, user=reviewer)

    assert page(article.get_absolute_url()) == "status 404"
    for url in lists:
        assert article.get_absolute_url() not in page(url), url


# --- cron and runserver are two processes: the development cache must be shared ---------------


def development_caches() -> dict:
    """CACHES as `make run` (spasminfo.settings.dev, no CACHE_URL) configures them."""
    saved = dict(os.environ)
    os.environ.pop("CACHE_URL", None)
    try:
        sys.modules.pop("spasminfo.settings.dev", None)
        return importlib.import_module("spasminfo.settings.dev").CACHES
    finally:
        sys.modules.pop("spasminfo.settings.dev", None)
        os.environ.clear()
        os.environ.update(saved)


def run_with_development_settings(*args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}}
    environment.update(DJANGO_SETTINGS_MODULE="spasminfo.settings.dev", **env)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_development_cache_is_shared_by_every_process():
    """Not local memory, which would be one cache per process."""
    key = f"probe-{os.getpid()}-{time.monotonic_ns()}"
    script = "import django, sys; django.setup(); from django.core.cache import cache; "
    run_with_development_settings("-c", script + f"cache.set('{key}', 'from another process', 60)")
    seen = run_with_development_settings("-c", script + f"print(cache.get('{key}')); cache.delete('{key}')")
    assert seen.strip() == "from another process"


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_publish_scheduled_from_cron_reaches_the_readers_of_runserver_with_the_development_cache(
    editorial_groups, settings, draft_factory, submit, approve, publish, editor, reviewer
):
    """The reported case end to end: `publish_scheduled` runs in its own process (as from
    cron) while this process serves readers with the development cache."""
    settings.CACHES = development_caches()
    cache.clear()
    purge_to = {"CACHE_PURGE_URL": ",".join(settings.SPASMINFO_CACHE_PURGE_URLS)} if PROXIED else {}
    article = publish()
    url = article.get_absolute_url()
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Night cramps, second edition"
    draft.save()
    submit(draft)
    draft.refresh_from_db()
    go_live = timezone.now() + datetime.timedelta(seconds=1)
    services.approve_version(
        version=draft,
        reviewer=reviewer.person,
        seen_fingerprint=draft.compute_fingerprint(),
        user=reviewer,
        go_live_at=go_live,
    )
    cached(url, reverse("articles:home"))
    assert "second edition" not in page(url)

    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.1)
    out = run_with_development_settings("manage.py", "publish_scheduled", DATABASE_URL=database_url(), **purge_to)
    assert "published night-cramps" in out
    assert "second edition" in page(url) and "second edition" in page(reverse("articles:home"))

    # Timed archiving, the same way.
    lifecycle.schedule_archive(article=article, archive_at=timezone.now() + datetime.timedelta(seconds=1), user=editor)
    cached(url, reverse("articles:home"))
    time.sleep(1.1)
    out = run_with_development_settings("manage.py", "publish_scheduled", DATABASE_URL=database_url(), **purge_to)
    assert "archived night-cramps" in out
    assert "archived on" in page(url)
    assert url not in page(reverse("articles:home"))
