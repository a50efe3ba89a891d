"""The cause and topic pages (reader/taxonomy_views.py): the Topics index."""

import re

import pytest
from django.urls import reverse

from taxonomy.models import Topic

pytestmark = pytest.mark.django_db


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
