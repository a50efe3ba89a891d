"""Navigation on public pages (reader/templatetags/navigation.py): breadcrumbs with their JSON-LD,
the printed address, and the search box."""

import json
import re

import pytest
from django.urls import reverse

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
