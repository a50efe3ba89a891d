"""Breadcrumbs, the Topics index, suggestions as you type and the printed address."""

import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from articles import services
from taxonomy.models import Topic

pytestmark = pytest.mark.django_db


def breadcrumb_list(page: str) -> list[tuple[str, str]]:
    for payload in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        data = json.loads(payload)
        if data.get("@type") == "BreadcrumbList":
            return [(item["name"], item["item"]) for item in data["itemListElement"]]
    raise AssertionError("no BreadcrumbList JSON-LD")


def visible_trail(page: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumb" aria-label="Breadcrumb">(.*?)</nav>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", nav, re.S)]


def test_article_cause_topic_and_person_pages_have_breadcrumbs_with_json_ld(publish, reader, cause, writer):
    article = publish(slug="night-cramps", title="Night cramps")
    topic = article.topic
    expectations = {
        article.get_absolute_url(): ["Home", "Topics", topic.name, "Night cramps"],
        cause.get_absolute_url(): ["Home", "Causes", cause.group.name, cause.name],
        topic.get_absolute_url(): ["Home", "Topics", topic.name],
        writer.get_absolute_url(): ["Home", writer.name],
        reverse("taxonomy:topic_index"): ["Home", "Topics"],
    }
    for url, names in expectations.items():
        page = reader.get(url).content.decode()
        assert visible_trail(page) == names, url
        crumbs = breadcrumb_list(page)
        assert [name for name, _ in crumbs] == names, url
        assert crumbs[0][1] == "http://testserver/" and crumbs[-1][1] == f"http://testserver{url}", url
        assert '<span aria-current="page">' in page
    article_crumbs = dict(breadcrumb_list(reader.get(article.get_absolute_url()).content.decode()))
    assert article_crumbs[topic.name] == f"http://testserver{topic.get_absolute_url()}"


def test_the_topics_index_lists_topics_with_listed_articles_and_the_header_links_to_it(publish, draft_factory, reader):
    publish(slug="one", title="One")
    publish(slug="two", title="Two")
    empty = Topic.objects.create(name="Digestive health", slug="digestive-health")
    page = reader.get(reverse("taxonomy:topic_index")).content.decode()
    assert '<a href="/topics/bones-joints-muscles/">Bones, Joints and Muscles</a>' in page
    assert "(2 articles)" in page
    assert empty.name not in page  # no listed article: not a public topic yet
    home = reader.get("/").content.decode()
    header = re.search(r'<nav aria-label="Main">(.*?)</nav>', home, re.S).group(1)
    assert 'href="/topics/"' in header


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


def test_printed_pages_carry_their_address(publish, reader):
    article = publish()
    page = reader.get(article.get_absolute_url()).content.decode()
    assert f'<p class="print-address">Printed from http://testserver{article.get_absolute_url()}</p>' in page


def test_the_search_box_loads_suggestions_from_a_static_file_only(reader):
    page = reader.get("/").content.decode()
    assert re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", page) == [
        '<script src="/static/js/suggest.js" defer>'
    ]
    assert 'data-suggest="/search/suggest/"' in page
