"""The article page's per-version fragments and related articles (reader/fragments.py): done
once per signed-off version and per change of their inputs, never stale, never for a draft."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from articles import lifecycle, services
from articles.models import Article, Person, VersionCause
from tests.articles.test_admin import client_for

pytestmark = pytest.mark.django_db

COLD = 11  # as tests/reader/test_selectors.py: article, version's text, 5 parts, review history (2), related, prompts
WARM = 0  # the shell (article, live version without its long text, topic, reviewer, votes) is kept too


@pytest.fixture(autouse=True)
def fragment_cache_on(settings):
    settings.SPASMINFO_FRAGMENT_CACHE = True  # the page cache stays off: every request reaches the view


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run an editorial change and its on-commit tag replacement, as a request would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def uncached(url: str) -> str:
    with override_settings(SPASMINFO_FRAGMENT_CACHE=False):
        return Client().get(url).content.decode()


def kept_fragments() -> set:
    return {key for key in cache._cache if "fragments:" in key}  # LocMemCache's own keys


def test_the_live_version_is_rendered_once_then_served_from_its_fragments(publish, reader, django_assert_num_queries):
    article = publish()
    url = article.get_absolute_url()
    with django_assert_num_queries(COLD):
        cold = reader.get(url).content.decode()
    with django_assert_num_queries(WARM):  # no part of the version, no history, related or prompts
        warm = reader.get(url).content.decode()
    assert warm == cold == uncached(url)
    assert "Cara Lind" in warm and "Muscle cramps" in warm and '"@type":"MedicalWebPage"' in warm


def test_a_series_article_adds_its_parts_to_the_cold_page_only(publish, reader, django_assert_num_queries):
    from articles.models import Series

    series = Series.objects.create(name="A guide", slug="a-guide")
    for slug in ("part-one", "part-two"):
        article = publish(slug=slug, title=slug.replace("-", " ").capitalize())
        Article.objects.filter(pk=article.pk).update(series=series, part_number=1 if slug == "part-one" else 2)
    url = Article.objects.get(slug="part-one").get_absolute_url()
    with django_assert_num_queries(COLD + 1):
        reader.get(url)
    with django_assert_num_queries(WARM):  # the series' parts are kept with the shell
        page = reader.get(url).content.decode()
    assert "part 1 of 2" in page and "Part two" in page


def test_a_new_sign_off_shows_at_the_next_request(publish, editor, submit, approve, reader, on_commit):
    article = publish(body="Stretch before bed.")
    url = article.get_absolute_url()
    assert "Stretch before bed." in reader.get(url).content.decode()
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Drink water and stretch before bed."
    draft.save()
    submit(draft)
    assert "Drink water" not in reader.get(url).content.decode()  # submitted, not signed off
    on_commit(approve, draft)
    page = reader.get(url).content.decode()
    assert "Drink water and stretch before bed." in page and page == uncached(url)


def test_an_editorial_change_to_a_reviewer_shows_in_the_byline_and_json_ld_at_the_next_request(
    publish, reader, on_commit
):
    article = publish()
    url = article.get_absolute_url()
    assert "MD, FACEP" in reader.get(url).content.decode()
    person = Person.objects.get(slug="ana-rivera")
    person.credentials = "MD, PhD"
    on_commit(person.save)
    page = reader.get(url).content.decode()
    assert "Ana Rivera</a>, MD, PhD" in page and '"honorificSuffix":"MD, PhD"' in page and "FACEP" not in page


def test_related_articles_are_kept_until_their_inputs_change(
    publish, cause, reader, on_commit, django_assert_num_queries
):
    article = publish()
    url = article.get_absolute_url()
    reader.get(url)
    assert 'class="related"' not in reader.get(url).content.decode()
    other = on_commit(publish, slug="cramps-in-pregnancy", title="Cramps in pregnancy")  # same cause
    assert VersionCause.objects.filter(content_object=other.live_version, tag=cause).exists()
    page = reader.get(url).content.decode()
    assert 'class="related"' in page and "Cramps in pregnancy" in page
    with django_assert_num_queries(WARM):
        assert reader.get(url).content.decode() == page


def test_what_depends_on_today_is_not_kept(publish, reader):
    article = publish()
    url = article.get_absolute_url()
    assert "Overdue for review" not in reader.get(url).content.decode()  # the fragments are now kept
    with time_machine.travel(article.next_review_due + datetime.timedelta(days=2)):
        assert "Overdue for review" in reader.get(url).content.decode()


def test_a_preview_never_uses_or_fills_the_fragments(publish, editor, reader):
    article = publish(body="Stretch before bed.")
    reader.get(article.get_absolute_url())
    kept = kept_fragments()
    assert kept  # the live version's fragments and related articles
    draft = services.start_draft(article=article, user=editor)
    draft.body = "A draft sentence."
    draft.save()
    admin = client_for(editor)
    for version in (article.live_version, draft):
        response = admin.get(reverse("admin:articles_articleversion_preview_page", args=[version.pk]))
        assert response.status_code == 200
    assert "A draft sentence." in response.content.decode()
    draft.body = "The draft, changed."
    draft.save()
    page = admin.get(reverse("admin:articles_articleversion_preview_page", args=[draft.pk])).content.decode()
    assert "The draft, changed." in page and "A draft sentence." not in page
    assert kept_fragments() == kept
    assert "A draft sentence." not in reader.get(article.get_absolute_url()).content.decode()


def test_a_cache_that_keeps_nothing_renders_every_time(publish, reader, settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    article = publish()
    for _ in range(2):
        with django_assert_num_queries(COLD):
            assert "Cara Lind" in reader.get(article.get_absolute_url()).content.decode()


def test_a_page_made_from_kept_fragments_carries_the_same_proxy_keys(publish, cause, reader):
    """The related articles and the lists they come from are in the Surrogate-Key of the page
    whether they were computed for it or kept (a proxy purges the page when one of them changes)."""
    article = publish()
    other = publish(slug="cramps-in-pregnancy", title="Cramps in pregnancy")  # same cause: related
    url = article.get_absolute_url()
    cold, warm = reader.get(url), reader.get(url)
    keys = cold["Surrogate-Key"].split()
    assert f"article:{other.pk}" in keys and f"cause:{cause.pk}" in keys and f"topic:{article.topic_id}" in keys
    assert warm["Surrogate-Key"] == cold["Surrogate-Key"]


def test_a_vote_shows_in_the_count_of_a_kept_page_at_the_next_request(publish, reader, on_commit):
    article = publish()
    url = article.get_absolute_url()
    assert "No one has rated this article yet." in reader.get(url).content.decode()  # now kept
    on_commit(Client().post, reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"})
    page = reader.get(url).content.decode()
    assert "1 of 1 found this helpful" in page and page == uncached(url)


def test_an_article_hidden_at_midnight_leaves_its_page_and_the_related_lists_of_kept_pages(
    publish, cause, reader, settings
):
    """With OVERDUE_POLICY=hide an overdue article leaves the site when its due date passes, with
    no editorial change to replace the content generation: nothing kept may outlive the day."""
    settings.SPASMINFO_OVERDUE_POLICY = "hide"
    with time_machine.travel("2026-03-01 10:00Z", tick=False):
        older = publish(slug="older-article", title="The older article")  # due first
    with time_machine.travel("2026-06-01 10:00Z", tick=False):
        newer = publish()  # same cause: each lists the other as related
    last_day = older.next_review_due  # live through its due date, hidden from the next day on
    with time_machine.travel(f"{last_day}T23:30Z", tick=False):
        assert reader.get(older.get_absolute_url()).status_code == 200
        assert "The older article" in reader.get(newer.get_absolute_url()).content.decode()  # related, kept
    with time_machine.travel(f"{last_day + datetime.timedelta(days=1)}T00:30Z", tick=False):
        assert reader.get(older.get_absolute_url()).status_code == 404
        page = reader.get(newer.get_absolute_url()).content.decode()
        assert "The older article" not in page and page == uncached(newer.get_absolute_url())


def test_an_address_with_no_live_article_keeps_nothing(publish, reviewer, reader, on_commit):
    article = publish()
    url = article.get_absolute_url()
    assert reader.get("/articles/no-such-article/").status_code == 404
    assert kept_fragments() == set()
    reader.get(url)
    on_commit(lifecycle.take_down_article, article=article, user=reviewer, reason="Wrong dose in table 2.")
    assert reader.get(url).status_code == 410
    assert reader.get(url).status_code == 410  # the kept shell of the live page is not served
