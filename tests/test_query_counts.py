"""Every public page type runs a fixed number of queries, however much content there is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import FaqEntry, Person, VersionAuthor, VersionCause
from images.models import Image
from images.services import add_image
from references.models import Source
from taxonomy.models import Cause

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# page type -> exact queries for an anonymous reader (no session, no vote cookie)
EXPECTED = {
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
        expected = EXPECTED["search_few_found" if page == "search" and size < 3 else page]
        with django_assert_num_queries(expected, info=page):
            response = reader.get(url)
        assert response.status_code == 200, page
    with django_assert_num_queries(EXPECTED["article_detail_warm"]):
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
    with django_assert_num_queries(EXPECTED["series_article_detail"]):
        cold = reader.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(EXPECTED["series_article_detail_warm"]):
        page = reader.get(article.get_absolute_url()).content.decode()
    assert page == cold and f"part 1 of {size}" in page


def test_a_reader_who_voted_costs_one_more_query(publish, reader, django_assert_num_queries):
    article = publish()
    reader.post(reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"})
    with django_assert_num_queries(EXPECTED["article_detail"] + 1):
        page = reader.get(article.get_absolute_url()).content.decode()
    assert "you told us this article was helpful" in page
