"""What a reader sees on each page type (reader/views.py); signed-in staff also get an "Edit this
page" link, which cached reader pages never carry; robots.txt."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleVersion, FaqEntry, Series
from reader import views
from taxonomy.models import Cause, CauseGroup, Topic

pytestmark = pytest.mark.django_db

BODY = """Intro text [@1].

## Why it happens

Cramps come from tired muscle [@1,2].

### At night

Night cramps [@2].

| Cause | Fix |
| --- | --- |
| Heat | Water |
"""


@pytest.fixture
def rich_article(draft_factory, submit, approve):
    from articles.models import Reference

    version = draft_factory(body=BODY)
    version.image_credits = "Photo: A. Photographer"
    version.save()
    Reference.objects.create(version=version, number=2, title="Second source", source="BMJ", year=2020)
    FaqEntry.objects.create(version=version, question="Is it serious?", answer="Rarely [@2].", position=1)
    submit(version)
    approve(version)
    return Article.objects.get(pk=version.article_id)


def test_the_article_page_has_a_table_of_contents_from_the_body_headings(rich_article, reader):
    version = ArticleVersion.objects.get(pk=rich_article.live_version_id)
    assert version.toc == [
        {"id": "why-it-happens", "text": "Why it happens", "level": 2},
        {"id": "at-night", "text": "At night", "level": 3},
    ]
    page = reader.get(rich_article.get_absolute_url()).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert toc.index('href="#why-it-happens"') < toc.index('href="#at-night"') < toc.index('href="#faq-heading"')
    assert 'href="#references-heading"' in toc
    assert '<h2 id="why-it-happens">' in page and '<h3 id="at-night">' in page
    assert "<table>" in page and "<td>Heat</td>" in page


def test_citation_markers_link_to_references_and_references_link_back(rich_article, reader):
    version = ArticleVersion.objects.get(pk=rich_article.live_version_id)
    assert version.citation_backlinks == {"1": ["cite-1", "cite-2"], "2": ["cite-2", "cite-3", "faq1-cite-1"]}
    page = reader.get(rich_article.get_absolute_url()).content.decode()
    # every marker has an id and links to its reference; every back-link lands on a marker that exists
    marker_ids = re.findall(r'<sup class="citation" id="([\w-]+)">', page)
    assert marker_ids == ["cite-1", "cite-2", "cite-3", "faq1-cite-1"]
    ref2 = re.search(r'<li id="ref-2" value="2">.*?</li>', page, re.S).group(0)
    assert re.findall(r'href="#([\w-]+)" class="backlink"', ref2) == ["cite-2", "cite-3", "faq1-cite-1"]
    assert "Back to text" in ref2
    assert page.count('href="#ref-2" class="citation-link"') == 3


def test_the_article_page_shows_credits_disclaimer_reading_time_and_no_notices(rich_article, reader):
    page = reader.get(rich_article.get_absolute_url()).content.decode()
    assert "Image credits: Photo: A. Photographer" in page
    assert page.count("<strong>Medical disclaimer.</strong>") == 1  # in the article, not repeated in the footer
    assert "Reading time" in page and "1 minute" in page
    assert "Overdue for review" not in page and "Archived." not in page


def test_overdue_and_archived_notices(publish, reader, now):
    with time_machine.travel("2024-01-10 12:00Z", tick=False):
        article = publish()
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Overdue for review" in page and "10 January 2025" in page
    Article.objects.filter(pk=article.pk).update(archived_at=now)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Archived." in page and f"{now:%Y-%m-%d}" in page


def test_meta_description_canonical_and_open_graph_come_from_the_live_version(rich_article, reader):
    page = reader.get(rich_article.get_absolute_url()).content.decode()
    url = f"http://testserver{rich_article.get_absolute_url()}"
    assert '<meta name="description" content="About night cramps.">' in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Night cramps">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:description" content="About night cramps.">' in page
    # the canonical address drops query strings
    tracked = reader.get(rich_article.get_absolute_url() + "?utm=x").content.decode()
    assert f'<link rel="canonical" href="{url}">' in tracked


def test_series_navigation_shows_part_n_of_m_with_previous_and_next(draft_factory, submit, approve, reader):
    series = Series.objects.create(name="Cramps guide", slug="cramps-guide")
    articles = []
    for part in (1, 2, 3):
        version = draft_factory(slug=f"part-{part}", title=f"Part {part} title")
        Article.objects.filter(pk=version.article_id).update(series=series, part_number=part)
        submit(version)
        approve(version)
        articles.append(Article.objects.get(pk=version.article_id))
    page = reader.get(articles[1].get_absolute_url()).content.decode()
    assert "Cramps guide, part 2 of 3" in page
    assert '<a rel="prev" href="/articles/part-1/">← Previous: Part 1 title</a>' in page
    assert '<a rel="next" href="/articles/part-3/">Next: Part 3 title →</a>' in page
    assert '<strong aria-current="page">Part 2 title</strong>' in page
    first = reader.get(articles[0].get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first and 'rel="next" href="/articles/part-2/"' in first


def test_related_articles_share_causes_or_topic_and_exclude_the_article(publish, reader, cause, draft_factory):
    article = publish(slug="main", title="Main article")
    publish(slug="sibling", title="Sibling article")
    other_topic = Topic.objects.create(name="Elsewhere", slug="elsewhere")
    unrelated = draft_factory(slug="unrelated", title="Unrelated article")
    unrelated.cause_links.all().delete()
    Article.objects.filter(pk=unrelated.article_id).update(topic=other_topic)
    page = reader.get(article.get_absolute_url()).content.decode()
    related = re.search(r'<section class="related".*?</section>', page, re.S).group(0)
    assert "Sibling article" in related
    assert "Main article" not in related and "Unrelated article" not in related


def test_home_lists_latest_and_most_reviewed_articles_topics_and_causes(publish, reader, cause):
    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        publish(slug="older", title="Older article")
    with time_machine.travel("2026-02-01 12:00Z", tick=False):
        publish(slug="newer", title="Newer article")
    page = reader.get(reverse("articles:home")).content.decode()
    latest = re.search(r'id="latest-heading".*?</section>', page, re.S).group(0)
    assert latest.index("Newer article") < latest.index("Older article")
    assert "Most reviewed" in page and "1 sign-off" in page
    assert "Bones, Joints and Muscles" in page
    assert f'href="{cause.get_absolute_url()}"' in page


def test_a_to_z_groups_articles_by_first_letter(publish, reader):
    publish(slug="zinc", title="Zinc and cramps")
    publish(slug="ankle", title="Ankle cramps")
    publish(slug="another", title="Another cramp")
    page = reader.get(reverse("articles:article_index")).content.decode()
    assert page.index('id="letter-A"') < page.index("Ankle cramps") < page.index("Another cramp")
    assert page.index("Another cramp") < page.index('id="letter-Z"') < page.index("Zinc and cramps")


def test_the_a_to_z_is_paged_by_letter_then_page_and_each_page_costs_the_same_at_any_size(
    publish, reader, monkeypatch, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reader import selectors

    monkeypatch.setattr(views.ArticleIndexView, "paginate_by", 2)
    for slug, title in [("zinc", "Zinc and cramps"), ("ankle", "Ankle cramps"), ("another", "Another cramp")]:
        publish(slug=slug, title=title)
    url = reverse("articles:article_index")
    letter_z = reader.get(url, {"letter": "z"}).content.decode()  # any case: the canonical letter
    assert "Zinc and cramps" in letter_z and "Ankle cramps" not in letter_z
    first = reader.get(url, {"letter": "A"}).content.decode()
    assert "Ankle cramps" in first and "Another cramp" in first and "Zinc" not in first
    whole = reader.get(url).content.decode()
    assert "Zinc" not in whole and '?page=2"' in whole  # two a page
    assert "Zinc and cramps" in reader.get(url, {"page": 2}).content.decode()
    assert (
        "?letter=Z&amp;page=" not in letter_z
        and "No article starts" in reader.get(url, {"letter": "0"}).content.decode()
    )
    reader.get(url, {"letter": "A"})  # anything loaded once per process
    with CaptureQueriesContext(connection) as few:
        reader.get(url, {"letter": "A"})
    for n in range(5):
        publish(slug=f"arch-{n}", title=f"Arch cramps {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = reader.get(url, {"letter": "A"}).content.decode()
    assert len(re.findall(r'<li><a href="/articles/[a-z0-9-]+/">', page)) == 2  # a page, however many
    assert selectors.A_TO_Z_PAGE_LENGTH == 100


def test_the_cause_index_is_grouped_and_a_to_z_within_each_group(draft_factory, submit, approve, reader):
    second = CauseGroup.objects.create(name="Rare causes", slug="rare", position=2)
    first = CauseGroup.objects.create(name="Common", slug="common", position=1)
    causes = [
        Cause.objects.create(name=name, slug=name.lower().replace(" ", "-"), group=first)
        for name in ["zinc lack", "Alcohol", "Heat"]
    ]
    causes.append(Cause.objects.create(name="Tetanus", slug="tetanus", group=second))
    Cause.objects.create(name="Unnamed", slug="unnamed", group=second)  # no live article discusses it
    version = draft_factory()
    for cause in causes:
        version.cause_links.create(tag=cause)
    approve(submit(version))
    page = reader.get(reverse("taxonomy:cause_index")).content.decode()
    assert "Unnamed" not in page
    assert page.index('id="group-common"') < page.index("Alcohol") < page.index("Heat") < page.index("zinc lack")
    assert page.index("zinc lack") < page.index('id="group-rare"') < page.index("Tetanus")


def test_cause_and_topic_pages_list_the_newest_articles_first_in_pages_of_30(
    draft_factory, submit, approve, reader, cause
):
    for index in range(31):
        approve(submit(draft_factory(slug=f"cramps-{index:02d}", title=f"Cramps {index:02d}")))
    topic = Article.objects.get(slug="cramps-00").topic
    for url in (cause.get_absolute_url(), topic.get_absolute_url()):
        first = reader.get(url).content.decode()
        assert first.index("Cramps 30") < first.index("Cramps 29") < first.index("Cramps 01")
        assert "Cramps 00" not in first and "Page 1" in first and 'rel="next" href="?page=2"' in first
        second = reader.get(url + "?page=2").content.decode()
        assert "Cramps 00" in second and 'rel="prev" href="?page=1"' in second and 'rel="next"' not in second
        assert "Page 2" in second


@pytest.mark.parametrize("page", ["99", "abc", "0"])
def test_a_bad_page_number_on_a_cause_or_topic_page_shows_the_nearest_page(publish, reader, cause, page):
    article = publish()
    for url in (cause.get_absolute_url(), article.topic.get_absolute_url()):
        response = reader.get(f"{url}?page={page}")
        assert response.status_code == 200, url
        assert response.context["page_obj"].number == 1
        assert article.live_version.title in response.content.decode()


def test_the_person_page_lists_written_and_reviewed_articles(publish, reader, writer, reviewer):
    article = publish()
    writer_page = reader.get(writer.get_absolute_url()).content.decode()
    assert "Articles written" in writer_page and article.get_absolute_url() in writer_page
    assert "Articles medically reviewed" not in writer_page
    reviewer_page = reader.get(reviewer.person.get_absolute_url()).content.decode()
    assert "Ana Rivera" in reviewer_page and "MD, FACEP" in reviewer_page and "Medical reviewer" in reviewer_page
    assert "Articles medically reviewed" in reviewer_page and article.get_absolute_url() in reviewer_page


def test_the_404_page_helps_the_reader_on(reader):
    response = reader.get("/articles/no-such-article/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in page
    assert 'action="/search/"' in page and 'href="/causes/"' in page and 'href="/articles/"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_pages_load_no_third_party_assets(rich_article, reader):
    for url in [reverse("articles:home"), rich_article.get_absolute_url(), reverse("articles:search") + "?q=cramps"]:
        page = reader.get(url).content.decode()
        for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", page):
            for address in re.findall(r'(?:href|src)="([^"]+)"', tag):
                assert address.startswith("/") or address.startswith("http://testserver/"), (url, tag)


# --- "Edit this page" for signed-in staff -----------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signed_in_staff_see_edit_this_page_linking_to_the_article_admin(publish, editor, reviewer):
    article = publish()
    admin_url = reverse("admin:articles_article_edit", args=[article.pk])

    for user in (editor, reviewer):
        page = signed_in(user).get(article.get_absolute_url()).content.decode()
        assert f'<a href="{admin_url}">Edit this page</a>' in page


def test_edit_this_page_opens_the_open_draft_or_offers_to_start_one(publish, editor):
    from articles import services

    article = publish()
    client = signed_in(editor)
    edit = reverse("admin:articles_article_edit", args=[article.pk])
    offer = client.get(edit, follow=True)
    assert offer.redirect_chain[-1][0] == reverse("admin:articles_article_change", args=[article.pk])
    assert "This article has no open draft" in offer.content.decode()

    draft = services.start_draft(article=article, user=editor)
    response = client.get(edit)
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[draft.pk])


def test_readers_never_see_the_link(publish, reader):
    assert "Edit this page" not in reader.get(publish().get_absolute_url()).content.decode()


def test_an_anonymous_cached_page_never_contains_the_link(publish, editor, page_cache_on):
    url = publish().get_absolute_url()
    staff = signed_in(editor)
    staff_page = staff.get(url)
    assert "Edit this page" in staff_page.content.decode()
    assert "X-Page-Cache" not in staff_page  # signed-in pages bypass the cache

    first = Client().get(url)
    again = Client().get(url)

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert "Edit this page" not in first.content.decode()
    assert "Edit this page" not in again.content.decode()
    assert "Edit this page" in staff.get(url).content.decode()  # still fresh for staff after caching


# --- robots.txt -------------------------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(reader):
    response = reader.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_robots_txt_answers_head_as_it_answers_get(reader):
    assert reader.head("/robots.txt").status_code == 200
    assert reader.post("/robots.txt").status_code == 405


def test_the_search_description_and_the_social_image_reach_link_previews_and_structured_data(
    draft_factory, submit, approve, reader
):
    import json

    from images.models import Image, VersionImage

    draft = draft_factory(body="Cramps at night are common [@1].")
    for position, key in enumerate(["calf", "stretch"]):
        image = Image.objects.create(
            key=key,
            file=f"images/{key}.png",
            sha256=f"{position}" * 64,
            width=10,
            height=10,
            format="PNG",
            renditions=[
                {"format": kind, "width": 10, "height": 10, "path": f"images/{key}/10.{kind.lower()}"}
                for kind in ("WEBP", "PNG")
            ],
        )
        VersionImage.objects.create(version=draft, image=image, position=position, key=key, sha256=image.sha256)
    draft.body += "\n\n![[image:calf]]\n\n![[image:stretch]]"
    draft.search_description = "Why calves cramp at night, and what helps."
    draft.social_image = "stretch"
    draft.save()
    approve(submit(draft))
    page = reader.get(draft.article.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Why calves cramp at night, and what helps.">' in page
    assert '<meta property="og:description" content="Why calves cramp at night, and what helps.">' in page
    og_image = page.split('<meta property="og:image" content="')[1].split('"')[0]
    assert "stretch" in og_image
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["description"] == "Why calves cramp at night, and what helps." and data["image"] == og_image


def test_a_social_image_that_is_not_placed_in_the_body_is_refused_at_submission(draft_factory, submit):
    import pytest

    from articles.workflow import IncompleteVersion

    draft = draft_factory()
    draft.social_image = "nowhere"
    draft.save()
    with pytest.raises(IncompleteVersion, match="the social image “nowhere” is not a picture placed in the body"):
        submit(draft)
