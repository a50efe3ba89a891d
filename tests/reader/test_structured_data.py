"""The article page's JSON-LD (reader/structured_data.py): for search engines."""

import json
import re

import pytest
import time_machine

from articles import services
from articles.models import Article, Reference

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> dict:
    """The page's one JSON-LD object that is not its breadcrumb trail (tests/reader/test_navigation.py)."""
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
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "spasminfo",
        "url": f"{base}/",
        "logo": {"@type": "ImageObject", "url": f"{base}/static/img/logo.png", "width": 512, "height": 512},
    }


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
