"""sitemap.xml (reader/sitemaps.py): for search engines."""

import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_the_sitemap_lists_listed_articles_topics_causes_and_people_with_lastmod(
    publish, draft_factory, reader, now, cause, writer, reviewer
):
    with time_machine.travel("2026-03-04 12:00Z", tick=False):
        publish()
    archived = publish(slug="archived", title="Archived")
    Article.objects.filter(pk=archived.pk).update(archived_at=now)
    draft_factory(slug="a-draft", title="A draft")
    response = reader.get(reverse("sitemap"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    entries = {
        u.find("s:loc", SITEMAP_NS).text: getattr(u.find("s:lastmod", SITEMAP_NS), "text", None)
        for u in root.findall("s:url", SITEMAP_NS)
    }
    base = "http://testserver"
    assert entries[f"{base}/articles/night-cramps/"] == "2026-03-04"
    assert f"{base}/articles/archived/" not in entries and f"{base}/articles/a-draft/" not in entries
    assert f"{base}/topics/bones-joints-muscles/" in entries
    assert entries[f"{base}/causes/dehydration/"] is not None
    assert f"{base}/people/cara-lind/" in entries and f"{base}/people/ana-rivera/" in entries
