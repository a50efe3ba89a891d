"""Suggestions as you type (search/suggestions.py, served at /search/suggest/)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from articles import services

pytestmark = pytest.mark.django_db


def suggestions(reader, text):
    response = reader.get(reverse("articles:search_suggest"), {"q": text})
    assert response.status_code == 200
    return [(s["label"], s["kind"], s["url"]) for s in response.json()["suggestions"]]


def test_suggestions_offer_up_to_8_titles_and_causes_of_listed_articles_from_2_characters(
    publish, draft_factory, reader, cause
):
    for n in range(10):
        publish(slug=f"dry-{n}", title=f"Dry spell {n}")
    draft_factory(slug="draft", title="Dehydration secrets")  # a draft: never suggested
    assert suggestions(reader, "d") == []
    found = suggestions(reader, "de")
    assert len(found) == 1 and found[0] == ("Dehydration", "cause", "/causes/dehydration/")
    found = suggestions(reader, "DR")
    assert len(found) == 8 and all(kind == "article" for _, kind, _ in found)
    assert found[0] == ("Dry spell 0", "article", "/articles/dry-0/")
    assert suggestions(reader, "spell 1") == [("Dry spell 1", "article", "/articles/dry-1/")]  # a later word
    assert suggestions(reader, "%") == [] and suggestions(reader, "__") == []  # no wildcards


def test_suggestions_are_cached_and_follow_content_changes(
    publish, reader, cause, editor, submit, approve, settings, django_capture_on_commit_callbacks
):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    article = publish(slug="quinine", title="Quinine and cramps")
    url = reverse("articles:search_suggest") + "?q=qu"
    assert reader.get(url)["X-Page-Cache"] == "miss"
    assert reader.get(url)["X-Page-Cache"] == "hit"
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Quitting quinine"
    draft.save()
    submit(draft)
    with django_capture_on_commit_callbacks(execute=True):  # invalidation happens on commit
        approve(draft)
    assert [label for label, _, _ in suggestions(reader, "qu")] == ["Quitting quinine"]
    assert suggestions(reader, "deh") == [("Dehydration", "cause", "/causes/dehydration/")]  # now cached
    cause.name = "Dehydration and heat"
    with django_capture_on_commit_callbacks(execute=True):
        cause.save()
    assert suggestions(reader, "deh") == [("Dehydration and heat", "cause", "/causes/dehydration/")]


@override_settings(SPASMINFO_SUGGEST_RATE="3/m")
def test_suggestions_are_rate_limited_counting_every_method_and_cached_answers(reader):
    cache.clear()
    url = reverse("articles:search_suggest")
    # the clock stands still: django-ratelimit counts in fixed windows, and a slow run could cross one
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        _assert_the_fourth_request_is_refused(reader, url)


def _assert_the_fourth_request_is_refused(reader, url) -> None:
    assert reader.get(url, {"q": "cr"}).status_code == 200
    assert reader.get(url, {"q": "cr"}).status_code == 200  # a cached answer counts too
    assert reader.post(url, {"q": "cr"}).status_code == 405  # and so does a POST
    response = reader.get(url, {"q": "cr"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
