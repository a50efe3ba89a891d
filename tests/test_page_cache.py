"""The page cache: hits cost no queries, every change readers should see misses at once,
and nothing else does."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from articles import caching, services
from articles.models import Article, Person
from taxonomy.models import Cause, CauseGroup, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a change and its on-commit invalidations, as a committed request would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def fetch(url, client=None, **headers):
    response = (client or Client()).get(url, **headers)
    return response, response.get("X-Page-Cache")


@pytest.fixture
def two_articles(publish, after_commit, writer, reviewer, django_user_model):
    """Two live articles that share nothing: other topic, other cause, other author."""
    night = after_commit(publish, slug="night-cramps", title="Night cramps")
    group = CauseGroup.objects.create(name="Other", slug="other")
    other_cause = Cause.objects.create(name="Colic", slug="colic", group=group)
    other_topic = Topic.objects.create(name="Digestive Health", slug="digestive-health")
    other_writer = Person.objects.create(name="Omar Other", slug="omar-other")
    version = services.create_article(
        article=Article(slug="colic", topic=other_topic),
        title="Colic explained",
        summary="About colic.",
        user=services.SYSTEM,
    )
    version.body = "Colic comes in waves [@1]."
    version.save()
    version.author_links.create(person=other_writer)
    version.cause_links.create(tag=other_cause)
    version.references.create(number=1, title="Colic", source="BMJ", year=2010)
    version = services.submit_version(version=version, user=services.SYSTEM)
    after_commit(
        services.approve_version,
        version=version,
        reviewer=reviewer.person,
        seen_fingerprint=version.submitted_fingerprint,
        user=services.SYSTEM,
    )
    return night, Article.objects.get(slug="colic")


def test_a_repeat_visit_is_served_from_the_cache_without_queries(publish, django_assert_num_queries):
    url = publish().get_absolute_url()
    first, state = fetch(url)
    assert state == "miss"
    with django_assert_num_queries(0):
        second, state = fetch(url)
    assert state == "hit"
    assert second.content.decode().replace(_token(second), "") == first.content.decode().replace(_token(first), "")


def test_a_new_live_version_misses_exactly_the_pages_that_show_the_article(
    two_articles, editor, submit, approve, after_commit, cause, topic, writer, reviewer
):
    night, colic = two_articles
    showing_night = [
        night.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:article_index"),
        cause.get_absolute_url(),
        topic.get_absolute_url(),
        writer.get_absolute_url(),
        reviewer.person.get_absolute_url(),  # reviewed both, so it lists night cramps
        reverse("articles:search") + "?q=cramps",
        reverse("articles:feed"),
        reverse("sitemap"),
        reverse("taxonomy:cause_index"),  # lists the causes live articles discuss
    ]
    unrelated = [
        colic.get_absolute_url(),
        Cause.objects.get(slug="colic").get_absolute_url(),
        Topic.objects.get(slug="digestive-health").get_absolute_url(),
        Person.objects.get(slug="omar-other").get_absolute_url(),
    ]
    for url in showing_night + unrelated:
        fetch(url)
        assert fetch(url)[1] == "hit", url

    draft = services.start_draft(article=night, user=editor)
    draft.title = "Night cramps, revised"
    draft.save()
    submit(draft)
    after_commit(approve, draft)

    assert [fetch(url)[1] for url in showing_night] == ["miss"] * len(showing_night)
    assert [fetch(url)[1] for url in unrelated] == ["hit"] * len(unrelated)
    assert "Night cramps, revised" in fetch(night.get_absolute_url())[0].content.decode()


def test_re_review_archive_and_restore_show_at_once(publish, after_commit, reviewer, editor):
    article = publish()
    url, home = article.get_absolute_url(), reverse("articles:home")
    fetch(url), fetch(home)
    with time_machine.travel("2027-03-01 10:00Z", tick=False):
        after_commit(
            services.re_review_live_version,
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        page, state = fetch(url)
    assert state == "miss" and "1 March 2027" in page.content.decode()

    after_commit(services.archive_article, article=article, user=editor)
    assert "archived on" in fetch(url)[0].content.decode()
    assert article.get_absolute_url() not in fetch(home)[0].content.decode()
    after_commit(services.restore_article, article=article, user=editor)
    assert article.get_absolute_url() in fetch(home)[0].content.decode()


def test_editing_a_cause_or_a_person_updates_the_pages_that_show_them(publish, after_commit, cause, writer):
    url = publish().get_absolute_url()
    fetch(url)
    cause.name = "Fluid loss"
    after_commit(cause.save)
    assert "Fluid loss" in fetch(url)[0].content.decode()
    writer.credentials = "MPH, PhD"
    after_commit(writer.save)
    assert "MPH, PhD" in fetch(url)[0].content.decode()


def test_a_vote_updates_the_count_other_readers_see(publish, after_commit):
    article = publish()
    url = article.get_absolute_url()
    fetch(url)
    after_commit(Client().post, reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"})
    page, _ = fetch(url)
    assert "1 of 1 found this helpful" in page.content.decode()


def test_a_revalidation_is_answered_304_without_rendering(publish, django_assert_num_queries):
    url = publish().get_absolute_url()
    first, _ = fetch(url)
    assert first["Cache-Control"] == "public, no-cache"
    with django_assert_num_queries(0):
        again, _ = fetch(url, HTTP_IF_NONE_MATCH=first["ETag"])
        since, _ = fetch(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == since.status_code == 304
    assert again["ETag"] == first["ETag"]


def _token(response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else ""


def test_a_cached_page_carries_each_readers_own_csrf_token(publish):
    article = publish()
    url = article.get_absolute_url()
    fetch(url)  # first reader fills the cache
    second = Client(enforce_csrf_checks=True)
    page, state = fetch(url, client=second)
    assert state == "hit"
    token = _token(page)
    assert token and caching.CSRF_PLACEHOLDER not in page.content.decode()
    vote = second.post(
        reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes", "csrfmiddlewaretoken": token}
    )
    assert vote.status_code == 303


def test_signed_in_staff_and_voters_always_get_a_fresh_page(publish, editor):
    url = publish().get_absolute_url()
    staff = Client()
    staff.force_login(editor)
    assert fetch(url, client=staff)[1] is None
    voter = Client()
    voter.cookies["spasminfo_voter"] = "token"
    assert fetch(url, client=voter)[1] is None


def test_a_page_rendered_while_its_article_changed_is_not_kept(publish, monkeypatch):
    article = publish()
    url = article.get_absolute_url()
    real_depends_on = caching.depends_on

    def change_during_render(request, *tags):
        real_depends_on(request, *tags)
        cache.set(caching._tag_key(f"article:{article.pk}"), caching._new_token(), timeout=None)

    monkeypatch.setattr("articles.views.depends_on", change_during_render)
    assert fetch(url)[1] is None  # served, not stored
    monkeypatch.undo()
    assert fetch(url)[1] == "miss"


def test_the_next_day_renders_afresh(publish):
    with time_machine.travel("2026-06-01 10:00Z", tick=False):
        url = publish().get_absolute_url()
        fetch(url)
        assert fetch(url)[1] == "hit"
    with time_machine.travel("2026-06-02 00:05Z", tick=False):
        assert fetch(url)[1] == "miss"


@override_settings(SPASMINFO_PAGE_CACHE=False)
def test_with_the_cache_off_pages_still_answer_conditional_requests(publish):
    url = publish().get_absolute_url()
    first, state = fetch(url)
    assert state is None and first.has_header("ETag")
    assert fetch(url, HTTP_IF_NONE_MATCH=first["ETag"])[0].status_code == 304
