"""Loading content from files: the real demo content, twice, and bad records."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from articles.importing import ContentError, load_content
from articles.models import Article, ArticleVersion, Person, Reference, Review, Series
from taxonomy.models import Cause, CauseGroup, Topic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


def table_counts() -> dict:
    return {
        model.__name__: model.objects.count() for model in (Article, Person, Review, Series, Cause, CauseGroup, Topic)
    }


def test_the_demo_content_loads_into_an_empty_database():
    load_content(FIXTURES)
    live = Article.objects.live()
    assert live.count() >= 6
    assert Cause.objects.count() >= 40
    assert CauseGroup.objects.count() == 6
    assert all(group.causes.count() >= 4 for group in CauseGroup.objects.all())
    assert Series.objects.filter(articles__isnull=False).distinct().count() >= 1
    assert max(s.articles.count() for s in Series.objects.all()) >= 3
    for article in live.select_related("live_version", "last_reviewed_by"):
        authors = set(article.live_version.author_links.values_list("person_id", flat=True))
        approval = article.live_version.reviews.get(outcome=Review.Outcome.APPROVED)
        assert approval.reviewer_id not in authors, article.slug
        assert approval.fingerprint == article.live_version.compute_fingerprint(), article.slug
        assert article.live_version.references.exists(), article.slug


def test_loading_twice_changes_nothing():
    load_content(FIXTURES)
    before = table_counts()
    report = load_content(FIXTURES)
    assert table_counts() == before
    assert report.created == {}


def test_check_mode_validates_everything_and_writes_nothing():
    report = load_content(FIXTURES, dry_run=True)
    assert report.created["articles"] >= 6
    assert all(count == 0 for count in table_counts().values())


def write_content(root: Path, article_front_matter: str, body: str = "Text [@1].") -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "taxonomy.yaml").write_text(
        "topics:\n  - {slug: muscles, name: Muscles}\n"
        "cause_groups:\n  - {slug: common, name: Common causes}\n"
        "causes:\n  - {slug: heat, name: Heat, group: common}\n"
    )
    (root / "people.yaml").write_text(
        "people:\n  - {slug: writer, name: Wendy Writer, credentials: MPH}\n"
        "  - {slug: doc, name: Dee Doctor, credentials: MD, medical_reviewer: true}\n"
    )
    (root / "articles" / "01-heat.md").write_text(f"---\n{article_front_matter}\n---\n{body}\n")
    return root


GOOD_ARTICLE = """slug: heat-cramps
title: Heat cramps
summary: Cramps in hot weather.
topic: muscles
authors: [writer]
reviewer: doc
reviewed_on: 2026-05-01
causes: [heat]
references:
  - {kind: journal, title: Muscle cramps, source: Muscle & Nerve, year: 2005, doi: "10.1002/mus.20341"}"""


def test_a_small_content_folder_loads_with_an_approval_on_the_review_date(tmp_path):
    load_content(write_content(tmp_path, GOOD_ARTICLE))
    article = Article.objects.live().get(slug="heat-cramps")
    assert article.last_reviewed_at.date().isoformat() == "2026-05-01"
    assert article.next_review_due.isoformat() == "2027-05-01"
    assert '<a href="#ref-1"' in article.live_version.body_html


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('doi: "10.1002/mus.20341"', 'doi: "doi:10.1002/x"', "references[1]: doi: doi:10.1002/x is not a DOI"),
        ('doi: "10.1002/mus.20341"', 'url: "javascript:alert(1)"', "references[1]: url: Enter a web address"),
        ('doi: "10.1002/mus.20341"', 'pmid: "12ab"', "references[1]: pmid: 12ab is not a PubMed ID"),
        ("reviewer: doc", "reviewer: writer", "Wendy Writer is not a medical reviewer"),
        ("authors: [writer]", "authors: [doc]", "Dee Doctor is an author of this version and cannot review it"),
        ("topic: muscles", "topic: nowhere", "topic: no topic with slug 'nowhere'"),
        ("causes: [heat]", "causes: [cold]", "causes[0]: no cause with slug 'cold'"),
        ("reviewed_on: 2026-05-01", "reviewed_on: last tuesday", "reviewed_on: 'last tuesday' is not a date"),
        ("reviewed_on: 2026-05-01", "reviewed_on: 2999-01-01", "reviewed_on: 2999-01-01 is in the future"),
        (
            "reviewed_on: 2026-05-01",
            "reviewed_on: 2026-05-01\npublished_on: 2026-06-01",
            "published_on: 2026-06-01 is after reviewed_on 2026-05-01",
        ),
        ("title: Heat cramps", "titel: Heat cramps", "unknown field(s) titel"),
    ],
)
def test_a_bad_record_names_file_record_and_field_and_writes_nothing(tmp_path, replace, by, expected):
    root = write_content(tmp_path, GOOD_ARTICLE.replace(replace, by))
    with pytest.raises(ContentError) as caught:
        load_content(root)
    message = str(caught.value)
    assert expected in message
    assert "01-heat.md" in message
    assert all(count == 0 for count in table_counts().values())


def test_relative_dates_count_back_from_the_day_of_loading_and_date_the_whole_history(tmp_path):
    front = GOOD_ARTICLE.replace("reviewed_on: 2026-05-01", "published_on: 400 days ago\nreviewed_on: 10 days ago")
    front = front.replace('doi: "10.1002/mus.20341"}', 'url: "https://example.org/cramps", accessed: 400 days ago}')
    with time_machine.travel(datetime.datetime(2027, 1, 20, 15, 0, tzinfo=datetime.UTC), tick=False):
        load_content(write_content(tmp_path, front))
    article = Article.objects.get(slug="heat-cramps")
    assert article.first_published_at.date() == datetime.date(2025, 12, 16)
    assert article.last_reviewed_at.date() == datetime.date(2027, 1, 10)
    assert article.live_version.references.get().accessed == datetime.date(2025, 12, 16)
    assert [(e.kind, e.created_at.date().isoformat()) for e in article.events.all()] == [
        ("re_reviewed", "2027-01-10"),
        ("went_live", "2025-12-16"),
        ("approved", "2025-12-16"),
        ("submitted", "2025-12-16"),
        ("created", "2025-12-16"),
    ]
    assert article.live_version.submitted_at.date() == datetime.date(2025, 12, 16)


def test_people_are_fictional_only_when_the_file_says_so(tmp_path):
    root = write_content(tmp_path, GOOD_ARTICLE)
    (root / "people.yaml").write_text(
        "people:\n  - {slug: writer, name: Wendy Writer, credentials: MPH, fictional: true}\n"
        "  - {slug: doc, name: Dee Doctor, credentials: MD, medical_reviewer: true}\n"
    )
    load_content(root)
    assert dict(Person.objects.values_list("slug", "is_fictional")) == {"writer": True, "doc": False}


def test_citing_a_reference_that_does_not_exist_is_reported(tmp_path):
    root = write_content(tmp_path, GOOD_ARTICLE, body="Text [@1] and [@7].")
    with pytest.raises(ContentError, match=r"cites reference \[7\]"):
        load_content(root)


def test_the_command_reports_problems_as_a_clear_error(tmp_path):
    root = write_content(tmp_path, GOOD_ARTICLE.replace("topic: muscles", "topic: nowhere"))
    with pytest.raises(CommandError, match=r"Nothing was loaded\. 1 problem"):
        call_command("load_content", str(root))


def test_the_demo_articles_cite_six_library_sources_by_key(db, editorial_groups):
    from references.models import Source

    load_content(FIXTURES)
    assert Source.objects.count() == 6
    live = Reference.objects.filter(version__in=Article.objects.values("live_version"))
    assert live.count() == 26 and not live.filter(key="").exists()
    for version in ArticleVersion.objects.all():  # numbered 1..N by first citation, as the renderer numbers them
        numbers = list(version.references.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
