"""Loading content from files (articles/importing.py): the real demo content, twice, and bad
records. And the demo content itself (fixtures/): readable, clinically sound, complete, honestly
dated and in date."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.text import slugify

from articles.importing import ContentError, load_content
from articles.models import Article, ArticleEvent, ArticleVersion, Person, Reference, Review, Series
from articles.readability import TARGET_GRADE, measure
from taxonomy.models import Cause, CauseGroup, Topic
from tests.production import ROOT

FIXTURES = ROOT / "fixtures"

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
        (
            "authors: [writer]",
            "authors: [doc]",
            "Dee Doctor is an author of this version, so another reviewer signs this off",
        ),
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


# --- the demo content (fixtures/) -------------------------------------------------------------------

ARTICLE_FILES = sorted((FIXTURES / "articles").glob("*.md"))
Event = ArticleEvent.Kind


def front_matter_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---", 2)
    return yaml.safe_load(front), body


def fixture_records(name: str, key: str) -> list[dict]:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))[key]


# --- reading level -------------------------------------------------------------


def test_every_demo_article_reads_at_grade_8_or_below(capsys):
    rows, above = [], []
    for path in ARTICLE_FILES:
        meta, body = front_matter_and_body(path)
        figures = {
            "body": measure(body),
            "summary": measure(meta["summary"]),
            "faq": measure("\n\n".join(entry["answer"] for entry in meta.get("faq") or [])),
        }
        grades = {part: f.grade for part, f in figures.items()}
        rows.append(f"{meta['slug']:<52} " + "  ".join(f"{part} {grade}" for part, grade in grades.items()))
        above += [f"{meta['slug']} {part} {g}" for part, g in grades.items() if g is not None and g > TARGET_GRADE]
    with capsys.disabled():
        print(f"\nFlesch-Kincaid grade of the demo articles (target {TARGET_GRADE} or below):")
        print("\n".join(rows))
    assert len(rows) == 8
    assert above == []


# --- clinical points a reviewer would not sign without ---------------------------

REQUIRED = [
    # emergency and same-day signs are in their own lists, not under "see a doctor soon"
    ("03-", r"Get medical help the same day[^\n]*\n\n- one leg is swollen, red, warm or tender"),
    ("03-", r"Call emergency services[^#]*a leg or foot that turns pale, cold or numb"),
    ("03-", r"same day[^#]*dark, like cola[^#]*See a doctor soon"),
    ("03-", r"same day[^#]*fever, vomiting, or yellow skin or eyes[^#]*See a doctor soon"),
    ("01-", r"\*\*Get help the same day\*\* if one leg is swollen, red and warm"),
    # gas can be compressed; biliary colic lasts 30 minutes or more; pregnancy; prescription antispasmodics
    ("02-", r"Gas can be squeezed into a smaller space"),
    ("04-", r"Gas can be squeezed into a smaller space"),
    ("04-", r"An attack usually lasts at least 30 minutes"),
    ("04-", r"\*\*If you are or could be pregnant\*\*, do not treat cramps low in the belly"),
    ("04-", r"a doctor may prescribe an antispasmodic medicine"),
    # functional dystonia exists
    ("05-", r"less common kind called functional dystonia"),
    # acetaminophen and the liver; muscle relaxants and alcohol
    ("03-", r"Too much can badly harm the liver\. The risk is higher if you drink alcohol"),
    ("03-", r"Do not drink alcohol while you take them"),
]
FORBIDDEN = [
    r"cannot be squashed",
    r"several minutes to a few hours",
    r"a pharmacist can suggest antispasmodic",
    r"answer: >-\n\s+No\. Dystonia",
]


@pytest.mark.parametrize(("prefix", "pattern"), REQUIRED)
def test_the_demo_articles_say_what_a_clinician_would_sign(prefix, pattern):
    (path,) = [p for p in ARTICLE_FILES if p.name.startswith(prefix)]
    assert re.search(pattern, path.read_text(encoding="utf-8")), (path.name, pattern)


def test_the_see_a_doctor_soon_list_holds_no_emergency_or_same_day_sign():
    text = next(p for p in ARTICLE_FILES if p.name.startswith("03-")).read_text(encoding="utf-8")
    soon = text.split("See a doctor soon", 1)[1]
    for sign in ("pale", "cold", "swollen", "red", "cola", "fever", "yellow", "pregnan"):
        assert sign not in soon, sign


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_the_corrected_claims_are_gone_from_every_article(pattern):
    for path in ARTICLE_FILES:
        assert not re.search(pattern, path.read_text(encoding="utf-8")), (path.name, pattern)


# --- taxonomy ------------------------------------------------------------------

SEED_CAUSES = {
    "labor-and-childbirth": "smooth-muscle-spasms",
    "cancer": "other-diseases-and-conditions",
    "seizures-and-epilepsy": "neuromuscular-conditions",
    "tics-and-tourettes": "neuromuscular-conditions",
    "benign-fasciculation-syndrome": "neuromuscular-conditions",
    "high-sodium": "common-causes",
    "low-phosphate": "common-causes",
    "low-blood-sugar": "other-diseases-and-conditions",
    "nerve-muscle-junction-disorders": "neuromuscular-conditions",
    "anxiety-and-depression": "other-diseases-and-conditions",
}


def test_every_cause_the_seed_pages_name_is_in_the_taxonomy_with_its_group():
    groups = {record["slug"]: record["group"] for record in fixture_records("taxonomy.yaml", "causes")}
    assert {slug: groups.get(slug) for slug in SEED_CAUSES} == SEED_CAUSES


def test_every_cause_is_discussed_by_at_least_one_article():
    named = {slug for path in ARTICLE_FILES for slug in front_matter_and_body(path)[0].get("causes") or []}
    causes = {record["slug"] for record in fixture_records("taxonomy.yaml", "causes")}
    assert causes - named == set()


def slug_for(name: str) -> str:
    """The slug a name gives: its words, without a bracketed synonym ("Low sodium (hyponatremia)")."""
    return slugify(re.sub(r"\s*\([^)]*\)", "", name))


@pytest.mark.parametrize(
    ("file", "key"),
    [
        ("taxonomy.yaml", "topics"),
        ("taxonomy.yaml", "cause_groups"),
        ("taxonomy.yaml", "causes"),
        ("people.yaml", "people"),
        ("series.yaml", "series"),
    ],
)
def test_slugs_match_names(file, key):
    mismatched = [
        (r["slug"], slug_for(r["name"])) for r in fixture_records(file, key) if r["slug"] != slug_for(r["name"])
    ]
    assert mismatched == []


# --- references ------------------------------------------------------------------


def test_every_web_reference_has_a_current_address_and_an_accessed_date():
    for path in ARTICLE_FILES:
        for ref in front_matter_and_body(path)[0].get("references") or []:
            if ref.get("url"):
                assert ref["url"].startswith("https://"), (path.name, ref["url"])
                assert "pubmedhealth" not in ref["url"], (path.name, ref["url"])  # shut down in 2018
                assert "/tutorials/" not in ref["url"], (path.name, ref["url"])  # retired
                assert ref.get("accessed"), (path.name, ref["title"])


# --- loaded history --------------------------------------------------------------

LOAD_DAY = datetime.datetime(2027, 3, 15, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def loaded(db):
    with time_machine.travel(LOAD_DAY, tick=False):
        load_content(FIXTURES)
    return Article.objects.order_by("slug")


def test_first_publication_is_never_before_the_first_sign_off(loaded):
    for article in loaded:
        first_sign_off = Review.objects.filter(version__article=article, outcome=Review.Outcome.APPROVED).earliest(
            "created_at"
        )
        assert article.first_published_at >= first_sign_off.created_at, article.slug


def test_the_loaded_history_is_dated_as_the_fixture_says(loaded):
    today = LOAD_DAY.date()
    for path in ARTICLE_FILES:
        meta, _ = front_matter_and_body(path)
        article = loaded.get(slug=meta["slug"])
        published = today - datetime.timedelta(days=int(meta["published_on"].split()[0]))
        reviewed = today - datetime.timedelta(days=int(meta["reviewed_on"].split()[0]))
        timeline = list(article.events.all())  # the admin's order: newest first
        kinds = [event.kind for event in reversed(timeline)]
        expected = [Event.CREATED, Event.SUBMITTED, Event.APPROVED, Event.WENT_LIVE]
        last_change = published
        if "revision" in meta:  # a second version, signed off on its own date
            last_change = today - datetime.timedelta(days=int(meta["revision"]["signed_off_on"].split()[0]))
            expected = expected * 2
            revised = [timezone.localdate(e.created_at) for e in reversed(timeline)][4:8]
            assert revised == [last_change] * 4, article.slug
        assert kinds == expected + ([Event.RE_REVIEWED] if reviewed > last_change else []), article.slug
        assert timeline[-1].kind == Event.CREATED  # "Created" never sorts above a sign-off
        local = [timezone.localdate(event.created_at) for event in reversed(timeline)]
        assert local[:4] == [published] * 4, article.slug
        assert timezone.localdate(article.first_published_at) == published
        assert timezone.localdate(article.last_reviewed_at) == reviewed
        assert all(event.created_at <= LOAD_DAY for event in timeline)


@pytest.mark.parametrize(
    "load_day",
    [
        datetime.datetime(2026, 11, 22, 8, 0, tzinfo=datetime.UTC),
        datetime.datetime(2028, 2, 29, 23, 0, tzinfo=datetime.UTC),
    ],
)
def test_a_fresh_install_is_in_date_but_for_one_article_due_soon_and_one_overdue(db, load_day):
    with time_machine.travel(load_day, tick=False):
        load_content(FIXTURES)
        today = timezone.localdate()
        live = Article.objects.live()
        overdue = list(Article.objects.overdue(today).values_list("slug", flat=True))
        due_soon = list(Article.objects.due_soon(today).values_list("slug", flat=True))
        assert live.count() == 8
        assert overdue == ["medicines-and-substances-that-cause-muscle-cramps"]
        assert due_soon == ["diagnosing-and-treating-muscle-spasms"]
        assert Reference.objects.filter(kind="web", accessed__isnull=True).count() == 0


# --- fictional people ------------------------------------------------------------


def test_demo_people_are_marked_fictional_by_the_loader_and_their_pages_say_so(loaded, client, writer):
    assert set(Person.objects.filter(is_fictional=True).values_list("slug", flat=True)) == {
        r["slug"] for r in fixture_records("people.yaml", "people")
    }
    for slug in ("helena-marsh", "nadia-brooks"):
        assert "Fictional demo person" in client.get(f"/people/{slug}/").content.decode()
    assert not writer.is_fictional


def test_every_seed_cause_is_loaded_and_public(loaded):
    assert set(Cause.objects.filter(slug__in=SEED_CAUSES).values_list("slug", flat=True)) == set(SEED_CAUSES)


def test_the_demo_shows_a_re_reviewed_article_and_changed_articles_with_their_notes(loaded, client):
    night = client.get("/articles/night-leg-cramps/").content.decode().split('class="review-history"')[1]
    night = night.split("</section>")[0]
    assert night.count("<li>") == 3  # re-reviewed, text updated, first published
    assert "re-reviewed, no changes" in night and "first published" in night
    assert "What changed: Added how to tell a night cramp from a blood clot in the leg." in night
    dystonia = client.get("/articles/dystonia/").content.decode().split('class="review-history"')[1].split("</ol>")[0]
    assert "What changed: The summary now names writer" in dystonia
    cramps_faq = (
        loaded.get(slug="night-leg-cramps").versions.get(number=1).faq_entries.values_list("question", flat=True)
    )
    assert "Are night cramps a sign of a blood clot?" not in cramps_faq  # the first version lacked it
