"""sitemap.xml, robots.txt, the Atom feed and JSON-LD: for search engines and feed readers."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from articles import services
from articles.models import Article, Reference

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def json_ld(page: str) -> dict:
    """The page's one JSON-LD object that is not its breadcrumb trail (tests/test_navigation.py)."""
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    objects = [data for data in map(json.loads, scripts) if data["@type"] != "BreadcrumbList"]
    assert len(objects) == 1
    return objects[0]


def test_json_ld_describes_the_live_version_as_a_medical_web_page(
    draft_factory, submit, approve, reader, writer, reviewer, cause
):
    version = draft_factory(body="Cramps [@1] and more [@2].")
    Reference.objects.create(version=version, number=2, kind="web", title="Leg cramps", url="https://example.org/x")
    submit(version)
    with time_machine.travel("2026-03-04 12:00Z", tick=False):
        approve(version)
    article = Article.objects.get(pk=version.article_id)
    data = json_ld(reader.get(article.get_absolute_url()).content.decode())
    base = "http://testserver"
    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    assert data["url"] == f"{base}/articles/night-cramps/"
    assert data["name"] == "Night cramps" and data["description"] == "About night cramps."
    assert data["lastReviewed"] == "2026-03-04"
    assert data["datePublished"].startswith("2026-03-04T12:00:00")
    assert data["dateModified"].startswith("2026-03-04T12:00:00")
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Ana Rivera",
        "honorificSuffix": "MD, FACEP",
        "url": f"{base}/people/ana-rivera/",
    }
    assert data["author"] == [
        {"@type": "Person", "name": "Cara Lind", "honorificSuffix": "MPH", "url": f"{base}/people/cara-lind/"}
    ]
    assert [c["name"] for c in data["citation"]] == ["Muscle cramps", "Leg cramps"]
    assert data["citation"][0]["sameAs"] == "https://doi.org/10.1002/mus.20341"
    assert data["citation"][1]["url"] == "https://example.org/x"
    assert {"@type": "MedicalCondition", "name": "Muscle spasm"} in data["about"]
    assert {"@type": "MedicalCause", "name": "Dehydration", "url": f"{base}/causes/dehydration/"} in data["about"]
    assert data["publisher"] == {"@type": "Organization", "name": "spasminfo", "url": f"{base}/"}


def test_json_ld_cannot_break_out_of_its_script_element(draft_factory, submit, approve, reader):
    version = draft_factory(title="Cramps </script><script>alert(1)</script>")
    submit(version)
    approve(version)
    page = reader.get(version.article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script and "\\u003C/script\\u003E" in script
    assert json.loads(script)["name"] == "Cramps </script><script>alert(1)</script>"
    for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "<" not in script  # the breadcrumb trail names the article too


def test_json_ld_follows_the_live_version_not_a_newer_draft(publish, editor, reader):
    article = publish()
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Unsigned headline"
    draft.save()
    data = json_ld(reader.get(article.get_absolute_url()).content.decode())
    assert data["name"] == "Night cramps"


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


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(reader):
    response = reader.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_atom_feed_has_newly_published_and_newly_reviewed_articles(publish, editor, submit, approve, reader):
    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        older = publish(slug="older", title="Older")
    with time_machine.travel("2026-02-01 12:00Z", tick=False):
        publish(slug="newer", title="Newer")
    with time_machine.travel("2026-03-01 12:00Z", tick=False):  # older is re-reviewed: it moves to the top
        draft = services.start_draft(article=older, user=editor)
        draft.title = "Older, revised"
        draft.save()
        submit(draft)
        approve(draft)
    response = reader.get(reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall("a:entry", ATOM_NS)
    assert [e.find("a:title", ATOM_NS).text for e in entries] == ["Older, revised", "Newer"]
    first = entries[0]
    assert first.find("a:published", ATOM_NS).text.startswith("2026-01-01")
    assert first.find("a:updated", ATOM_NS).text.startswith("2026-03-01")
    assert first.find("a:link", ATOM_NS).get("href") == "http://testserver/articles/older/"
    assert first.find("a:summary", ATOM_NS).text == "About older."


def test_atom_entries_have_an_absolute_id_and_the_writers_as_authors(draft_factory, submit, approve, reader, writer):
    from articles.models import Person, VersionAuthor

    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        version = draft_factory(slug="older", title="Older")
        second = Person.objects.create(name="Dan Moss", slug="dan-moss")
        VersionAuthor.objects.create(version=version, person=second, position=1)
        submit(version)
        approve(version)
    root = ET.fromstring(reader.get(reverse("articles:feed")).content)
    entry = root.find("a:entry", ATOM_NS)
    assert entry.find("a:id", ATOM_NS).text == "tag:testserver,2026-01-01:/articles/older/"
    authors = entry.findall("a:author", ATOM_NS)
    # the writers, in byline order; not the reviewer who signed it off (Dr Ana Rivera)
    assert [a.find("a:name", ATOM_NS).text for a in authors] == [writer.byline, "Dan Moss"]
    assert authors[0].find("a:uri", ATOM_NS).text == "http://testserver/people/cara-lind/"
