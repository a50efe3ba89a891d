"""The Atom feed (reader/feeds.py): for feed readers."""

import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from articles import services

pytestmark = pytest.mark.django_db

ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


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
    assert entry.find("a:id", ATOM_NS).text == f"tag:testserver,2026-01-01:article:{version.article_id}"
    authors = entry.findall("a:author", ATOM_NS)
    # the writers, in byline order; not the reviewer who signed it off (Dr Ana Rivera)
    assert [a.find("a:name", ATOM_NS).text for a in authors] == [writer.byline, "Dan Moss"]
    assert authors[0].find("a:uri", ATOM_NS).text == "http://testserver/people/cara-lind/"


def test_an_atom_entry_keeps_its_id_when_the_article_is_renamed(publish, reader, editor):
    """A feed reader knows an entry by its id: a new slug must not show the article again as new."""
    from articles.models import Article

    article = publish(slug="old-name", title="Night cramps")
    before = ET.fromstring(reader.get(reverse("articles:feed")).content).find("a:entry/a:id", ATOM_NS).text
    Article.objects.filter(pk=article.pk).update(slug="new-name")
    after = ET.fromstring(reader.get(reverse("articles:feed")).content).find("a:entry/a:id", ATOM_NS).text
    assert before == after and "old-name" not in after
