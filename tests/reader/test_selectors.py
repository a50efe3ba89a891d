"""What the public pages read (reader/selectors.py): readers see only signed-off content, everything
else is a 404 or absent from lists; and every public page type runs a fixed number of queries,
however much content there is."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles import services
from articles.models import Article, FaqEntry, Person, VersionAuthor, VersionCause
from images.models import Image
from images.services import add_image
from operations.queue import run_due_jobs
from references.models import Source
from taxonomy.models import Cause

pytestmark = pytest.mark.django_db


def public_listing_urls(article: Article, cause, person_slugs) -> list[str]:
    return [
        reverse("articles:home"),
        reverse("taxonomy:topic_detail", args=[article.topic.slug]),
        reverse("taxonomy:cause_detail", args=[cause.slug]),
        reverse("taxonomy:cause_index"),
        *[reverse("articles:person_detail", args=[slug]) for slug in person_slugs],
    ]


@pytest.fixture
def non_live_articles(draft_factory, submit, reviewer):
    """One article in each state a reader must never see."""
    draft = draft_factory(slug="a-draft", title="Secret draft title")
    awaiting = submit(draft_factory(slug="awaiting-review", title="Secret awaiting title"))
    sent_back = submit(draft_factory(slug="sent-back", title="Secret sent back title"))
    services.send_back_version(version=sent_back, reviewer=reviewer.person, comment="No.", user=reviewer)
    return [draft, awaiting, sent_back]


def test_every_non_live_state_is_404_and_never_listed(non_live_articles, publish, reader, cause, writer):
    for version in non_live_articles:
        assert reader.get(version.article.get_absolute_url()).status_code == 404
    publish(slug="live-one", title="Live one")  # the topic, cause and writer are public once a live article names them
    article = non_live_articles[0].article
    for url in public_listing_urls(article, cause, [writer.slug]):
        response = reader.get(url)
        assert response.status_code == 200, url
        for version in non_live_articles:
            assert version.title not in response.content.decode(), (url, version.title)


def test_a_new_draft_of_a_live_article_stays_invisible(publish, editor, reader, cause, writer):
    article = publish()
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Unreviewed new headline"
    draft.save()
    for url in [article.get_absolute_url(), *public_listing_urls(article, cause, [writer.slug])]:
        assert "Unreviewed new headline" not in reader.get(url).content.decode()


def test_the_article_page_shows_the_signed_off_version_with_its_evidence(publish, reader, reviewer, writer, cause):
    article = publish(body="## Why it happens\n\nCramps are common [@1].")
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "<h1>Night cramps</h1>" in page
    assert '<h2 id="why-it-happens">Why it happens</h2>' in page
    assert f'href="{writer.get_absolute_url()}"' in page and "MPH" in page
    assert "Ana Rivera</a>, MD, FACEP" in page
    assert "Reviewed on" in page and "Next review due" in page
    today = datetime.date.today()
    assert f"{today:%Y-%m-%d}" in page
    assert 'id="ref-1"' in page and "doi.org/10.1002/mus.20341" in page
    assert f'href="{cause.get_absolute_url()}"' in page
    assert "Medical disclaimer" in page


@pytest.mark.parametrize(
    ("signed_off_at", "due", "shown"),
    [
        ("2026-03-04 12:00Z", "2027-03-04", "4 March 2027"),
        ("2028-02-29 09:00Z", "2029-02-28", "28 February 2029"),
    ],
)
def test_next_review_due_is_the_review_interval_after_sign_off(publish, reader, signed_off_at, due, shown):
    with time_machine.travel(signed_off_at, tick=False):
        article = publish()
    assert article.next_review_due.isoformat() == due
    assert shown in reader.get(article.get_absolute_url()).content.decode()


def test_a_topic_interval_shortens_the_review_cycle(publish, topic):
    topic.review_interval_months = 6
    topic.save()
    with time_machine.travel("2026-08-31 12:00Z", tick=False):
        article = publish()
    assert article.next_review_due.isoformat() == "2027-02-28"


def test_cause_topic_and_person_pages_list_live_articles(publish, reader, cause, writer, reviewer):
    article = publish()
    for url in [
        cause.get_absolute_url(),
        article.topic.get_absolute_url(),
        writer.get_absolute_url(),
        reviewer.person.get_absolute_url(),
        reverse("articles:home"),
    ]:
        assert article.get_absolute_url() in reader.get(url).content.decode(), url


def test_an_archived_article_stays_readable_but_leaves_listings(publish, reader, now):
    article = publish()
    Article.objects.filter(pk=article.pk).update(archived_at=now)
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert "archived on" in reader.get(article.get_absolute_url()).content.decode()
    assert article.get_absolute_url() not in reader.get(reverse("articles:home")).content.decode()


def test_unknown_pages_are_a_helpful_404(reader):
    response = reader.get("/articles/no-such-article/")
    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_article_page_query_count_does_not_grow_with_content(
    size, draft_factory, submit, approve, reader, cause, django_assert_num_queries
):
    from articles.models import FaqEntry, Person, Reference, VersionAuthor, VersionCause
    from taxonomy.models import Cause

    version = draft_factory()
    for n in range(2, size + 1):
        person = Person.objects.create(name=f"Writer {n}", slug=f"writer-{n}")
        VersionAuthor.objects.create(version=version, person=person, position=n)
        VersionCause.objects.create(
            content_object=version, tag=Cause.objects.create(name=f"Cause {n}", slug=f"cause-{n}", group=cause.group)
        )
        Reference.objects.create(version=version, number=n, title=f"Source {n}")
    for n in range(size):
        FaqEntry.objects.create(version=version, question=f"Question {n}?", answer=f"Answer {n} [@1].")
    submit(version)
    approve(version)
    # session-less anonymous request: the article page's count in PAGE_QUERIES below (article with live
    # version, topic, reviewer, helpful counts; authors, causes, references, FAQ, images, related, readers' prompts)
    url = version.article.get_absolute_url()
    with django_assert_num_queries(PAGE_QUERIES["article_detail"]):
        response = reader.get(url)
    page = response.content.decode()
    assert page.count('<li id="ref-') == size
    assert page.count("Question ") == size
    assert page.count('href="/people/') == size + 1  # authors and the reviewer
    assert page.count('class="citation-link"') == size + 1  # one marker in the body and one in each FAQ answer


def test_a_person_page_shows_their_newest_articles_and_pages_through_the_rest(publish, reader, writer, reviewer):
    """A prolific reviewer's page stays one page long: the newest 30 of each list, and every
    article on the paged lists, newest first (at 100k articles, listing them all took seconds)."""
    titles = [f"Cramp article {n:02d}" for n in range(32)]
    for n, title in enumerate(titles):
        publish(slug=f"cramp-article-{n:02d}", title=title)
    newest_first = titles[::-1]
    for person, role in ((reviewer.person, "reviewed"), (writer, "written")):
        page = reader.get(person.get_absolute_url()).content.decode()
        listed = [t for t in titles if t in page]
        assert listed == titles[2:]  # the newest 30
        more = reverse(f"articles:person_{role}", args=[person.slug])
        assert f'href="{more}"' in page
        first, second = (reader.get(more + query).content.decode() for query in ("", "?page=2"))
        assert [t for t in newest_first if t in first] == newest_first[:30] and 'rel="next" href="?page=2"' in first
        assert [t for t in newest_first if t in second] == newest_first[30:] and 'rel="next"' not in second
        assert first.index(newest_first[0]) < first.index(newest_first[29])  # newest first


# --- a fixed number of queries per page type --------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# page type -> exact queries for an anonymous reader (no session, no vote cookie)
PAGE_QUERIES = {
    "home": 5,  # latest, most reviewed, topics, cause groups, causes
    "article_index": 1,
    # article (+ live version without its long text, topic, reviewer, helpful counts), the version's text,
    # authors, causes, references, FAQ, images, related, readers' prompts with their approved-story counts
    "article_detail": 11,  # ... and the review history: signed-off versions, their sign-offs
    "series_article_detail": 12,  # ... and the series' parts
    # warm: every part is kept (reader/fragments.py) until the next editorial change (the shell also
    # until a vote, the prompts until a story is approved)
    "article_detail_warm": 0,
    "series_article_detail_warm": 0,
    "cause_index": 2,
    "cause_detail": 2,  # cause, one page of articles (and one more row: is there a next page?); never a count
    "topic_detail": 2,  # topic, one page of articles (likewise)
    "person_detail": 3,  # person, the newest written, the newest reviewed (one row more: is there more?)
    "person_written": 2,  # person, one page of articles (one row more: is there a next page?); never a count
    "person_reviewed": 2,
    "search": 4,  # synonyms, ranked ids, that page's articles, answered questions that match (participation)
    # fewer than 3 found ("cramp article"): + ranked ids with related synonyms, + each word looked up in the
    # vocabulary (at most 8 words); bounded by the query's words, not by the number of articles
    "search_few_found": 7,
    # synonyms, ranked ids, vocabulary lookup of "zzyzx", suggested causes, topics, answered questions
    "search_nothing_found": 6,
    "topic_index": 1,  # topics with their counts of listed articles
    "search_suggest": 2,  # titles, causes
    "feed": 2,  # entries (+ live version, topic), their writers
    "sitemap": 10,  # ... and answered questions (participation)
    "robots": 0,
}


def build(size, draft_factory, submit, approve, cause, series=None):
    """`size` live articles, each with `size` authors, causes, references (library sources cited by key),
    pictures and FAQ entries."""
    first = None
    for n in range(1, size + 1):
        Source.objects.get_or_create(key=f"source{n}", defaults={"title": f"Source {n}", "url": f"https://e.org/{n}"})
    citations = " ".join(f"[@source{n}]" for n in range(1, size + 1))
    for n in range(Image.objects.count() + 1, size + 1):  # `size` small pictures placed in every article
        picture = io.BytesIO()
        PILImage.new("RGB", (30, 20), (n, 0, 0)).save(picture, format="PNG")
        words = {"alt_text": f"Picture {n}", "caption": f"Caption {n}", "credit": f"Credit {n}"}
        add_image(
            image=Image(key=f"picture{n}", **words),
            upload=SimpleUploadedFile("p.png", picture.getvalue()),
            user=None,
        )
        run_due_jobs()  # the worker makes its renditions
    pictures = "\n\n".join(f"![[image:picture{n}]]" for n in range(1, size + 1))
    for index in range(size):
        version = draft_factory(
            slug=f"article-{index}", title=f"Cramp article {index}", body=f"Cramps {citations}.\n\n{pictures}"
        )
        if series is not None:
            version.article.series = series
            version.article.part_number = index + 1
            version.article.save()
        for n in range(2, size + 1):
            person, _ = Person.objects.get_or_create(name=f"Writer {n}", slug=f"writer-{n}")
            VersionAuthor.objects.create(version=version, person=person, position=n)
            extra, _ = Cause.objects.get_or_create(name=f"Cause {n}", slug=f"cause-{n}", group=cause.group)
            VersionCause.objects.create(content_object=version, tag=extra)
        for n in range(size):
            FaqEntry.objects.create(version=version, question=f"Question {n}?", answer=f"Answer {n} [@source1].")
        submit(version)
        approve(version)
        first = first or version.article
    return first


def urls(article, cause, writer, reviewer):
    return {
        "home": reverse("articles:home"),
        "article_index": reverse("articles:article_index"),
        "article_detail": article.get_absolute_url(),
        "cause_index": reverse("taxonomy:cause_index"),
        "cause_detail": cause.get_absolute_url(),
        "topic_detail": article.topic.get_absolute_url(),
        "person_detail": reviewer.person.get_absolute_url(),
        "person_written": reverse("articles:person_written", args=[writer.slug]),
        "person_reviewed": reverse("articles:person_reviewed", args=[reviewer.person.slug]),
        "search": reverse("articles:search") + "?q=cramp+article",
        "search_nothing_found": reverse("articles:search") + "?q=zzyzx",
        "topic_index": reverse("taxonomy:topic_index"),
        "search_suggest": reverse("articles:search_suggest") + "?q=cr",
        "feed": reverse("articles:feed"),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots_txt"),
    }


@pytest.mark.parametrize("size", [1, 50])
def test_each_page_type_runs_a_fixed_number_of_queries(
    size, draft_factory, submit, approve, cause, writer, reviewer, reader, settings, django_assert_num_queries
):
    settings.SPASMINFO_FRAGMENT_CACHE = True  # as in production: the first article page is cold, the next warm
    article = build(size, draft_factory, submit, approve, cause)
    for page, url in urls(article, cause, writer, reviewer).items():
        expected = PAGE_QUERIES["search_few_found" if page == "search" and size < 3 else page]
        with django_assert_num_queries(expected, info=page):
            response = reader.get(url)
        assert response.status_code == 200, page
    with django_assert_num_queries(PAGE_QUERIES["article_detail_warm"]):
        assert reader.get(article.get_absolute_url()).status_code == 200
    # the pages really show the content whose queries were counted; long lists come in pages of 30
    cause_page = reader.get(cause.get_absolute_url()).content.decode()
    assert cause_page.count('class="card"') == min(size, 30)
    if size > 30:
        assert "Page 1" in cause_page and 'rel="next" href="?page=2"' in cause_page
        second = reader.get(cause.get_absolute_url() + "?page=2").content.decode()
        assert second.count('class="card"') == size - 30 and 'rel="next"' not in second
    assert reader.get(reverse("articles:home")).content.decode().count('class="card"') == min(size, 6)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert page.count('<li id="ref-') == size and page.count("Question ") == size
    assert page.count("<figure") == size and page.count("<source") == size  # every picture, with its srcset
    assert "Image credits: " + "; ".join(f"Credit {n}" for n in range(1, size + 1)) in page
    assert reader.get(reverse("articles:search") + "?q=cramp+article").content.decode().count('class="result"') == min(
        size, 10
    )


@pytest.mark.parametrize("size", [2, 50])
def test_a_series_article_page_runs_a_fixed_number_of_queries(
    size, draft_factory, submit, approve, cause, reader, settings, django_assert_num_queries
):
    from articles.models import Series

    settings.SPASMINFO_FRAGMENT_CACHE = True
    series = Series.objects.create(name="A guide", slug="a-guide")
    article = build(size, draft_factory, submit, approve, cause, series=series)
    with django_assert_num_queries(PAGE_QUERIES["series_article_detail"]):
        cold = reader.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(PAGE_QUERIES["series_article_detail_warm"]):
        page = reader.get(article.get_absolute_url()).content.decode()
    assert page == cold and f"part 1 of {size}" in page


def test_a_reader_who_voted_costs_one_more_query(publish, reader, django_assert_num_queries):
    article = publish()
    reader.post(reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"})
    with django_assert_num_queries(PAGE_QUERIES["article_detail"] + 1):
        page = reader.get(article.get_absolute_url()).content.decode()
    assert "you told us this article was helpful" in page


def test_most_reviewed_reads_the_count_kept_at_each_sign_off_not_every_review(
    publish, editor, submit, approve, reader, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    once = publish(slug="once", title="Signed off once")
    twice = publish(slug="twice", title="Signed off twice")
    draft = services.start_draft(article=twice, user=editor)
    draft.change_note = "Checked again."
    draft.save()
    approve(submit(draft))
    assert [Article.objects.get(pk=a.pk).sign_offs for a in (once, twice)] == [1, 2]
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(reverse("articles:home")).content.decode()
    assert not any("articles_review" in query["sql"] for query in queries.captured_queries)
    listed = page[page.index("Most reviewed") :]
    assert listed.index("Signed off twice") < listed.index("Signed off once") and "2 sign-offs" in listed
