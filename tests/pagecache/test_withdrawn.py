"""A take-down reaches readers whatever the cache's state (pagecache/withdrawn.py): with the cache's
Redis paused while a reviewer takes an article down, the step commits and answers normally, its
notifications go out, and once Redis is back with the data it had (the old tokens, the old kept
pages) no kept page that showed the article is served, in the site's page cache or its fragments."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles import lifecycle
from articles.models import Article
from operations import cache as degrading_cache
from operations.queue import run_due_jobs
from pagecache import withdrawn

pytestmark = pytest.mark.django_db
committed = pytest.mark.django_db(transaction=True)  # each request commits, as in production


@pytest.fixture
def cached_site(own_redis, settings, editorial_groups):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_FRAGMENT_CACHE = True
    return own_redis


def hit(client, url):
    response = client.get(url)
    return response.status_code, response.get("X-Page-Cache"), response.content.decode()


@committed
def test_a_take_down_while_the_cache_is_paused_commits_and_reaches_readers_once_it_is_back(
    cached_site, publish, reviewer, editor
):
    editor.email = "editor@example.org"  # who submitted it: told of the take-down
    editor.save()
    article = publish(slug="dangerous", title="Dangerous advice", body="Drink seawater for cramps [@1].")
    url = article.get_absolute_url()
    reader, session_reader = Client(), Client()
    session_reader.cookies["sessionid"] = "anything"  # bypasses the page cache: served from the fragments
    for _ in range(2):
        reader.get(url), reader.get("/"), session_reader.get(url)
    assert hit(reader, url)[:2] == (200, "hit") and hit(reader, "/")[1] == "hit"
    cached_site.snapshot()  # what Redis comes back with

    cached_site.pause()
    staff = Client()
    staff.force_login(reviewer)
    mail.outbox.clear()
    response = staff.post(
        reverse("admin:articles_article_takedown", args=[article.pk]), {"reason": "Seawater is dangerous."}
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).is_taken_down
    run_due_jobs()  # the mails are jobs the callbacks after the commit queued
    assert any("Taken down" in message.subject for message in mail.outbox)  # the callbacks after it ran
    status, _, _ = hit(reader, url)
    assert status == 410  # rendered without the cache meanwhile
    assert "Dangerous advice" not in hit(reader, "/")[2]

    cached_site.crash_and_restart()  # back with its data: the old tokens and the kept pages
    degrading_cache._down_until.clear()  # the retry period has passed
    withdrawn.recent.forget()  # and the withdrawals' period
    status, _, page = hit(reader, url)
    assert status == 410 and "seawater" not in page
    status, _, page = hit(session_reader, url)
    assert status == 410 and "seawater" not in page
    assert "Dangerous advice" not in hit(reader, "/")[2]
    assert lifecycle.take_down_refusal(Article.objects.get(pk=article.pk), reviewer) == ""  # may be sent again


@committed
def test_a_kept_page_that_showed_an_article_archived_meanwhile_is_not_served(cached_site, publish, editor):
    article = publish(slug="old-news", title="Old news")
    reader = Client()
    reader.get("/"), reader.get("/")
    assert hit(reader, "/")[1] == "hit"
    cached_site.snapshot()
    cached_site.pause()
    lifecycle.archive_article(article=article, user=editor)
    cached_site.crash_and_restart()
    degrading_cache._down_until.clear()
    withdrawn.recent.forget()
    status, state, page = hit(reader, "/")
    assert status == 200 and state != "hit" and "Old news" not in page


def test_a_second_take_down_sends_the_purges_again_and_mails_nobody(publish, reviewer, settings):
    article = publish(slug="dangerous", title="Dangerous advice")
    lifecycle.take_down_article(article=article, user=reviewer, reason="Wrong dose.")
    mail.outbox.clear()
    again = lifecycle.take_down_article(article=Article.objects.get(pk=article.pk), user=reviewer, reason="Again.")
    assert again.is_taken_down and mail.outbox == []
    assert again.events.filter(kind="taken_down").count() == 2


def test_a_warm_page_checks_withdrawals_at_most_once_per_period(publish, settings, django_assert_num_queries):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_WITHDRAWN_REFRESH_SECONDS = 1
    publish(slug="fine", title="Fine")
    reader = Client()
    reader.get("/"), reader.get("/")
    withdrawn.recent.forget()  # the period is over
    with django_assert_num_queries(1):
        assert hit(reader, "/")[1] == "hit"
    with django_assert_num_queries(0):  # and the next request within it
        assert hit(reader, "/")[1] == "hit"
