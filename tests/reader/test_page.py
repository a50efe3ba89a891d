"""What an article page shows, for readers and for previews alike (reader/page.py): the preview is
the reader's page, same template, same derivation, before anything is saved; a series' parts are
counted only when every one is published."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, FaqEntry, Series
from tests.articles.test_admin import client_for

pytestmark = pytest.mark.django_db


def article_until_helpful(page: str) -> str:
    """The <article> from its start to the "Was this helpful?" box (votes differ by design)."""
    start = page.index('<article class="article">')
    return page[start : page.index('<section id="helpful"', start)]


def preview_page(client, version) -> str:
    response = client.get(reverse("admin:articles_articleversion_preview_page", args=[version.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_reviewed_preview_is_identical_to_the_published_page_after_sign_off(
    draft_factory, library_source, submit, approve, reviewer, reader
):
    draft = draft_factory(body="## When\n\nAt night [@miller2005].\n\n### Why\n\nNobody knows [@miller2005].")
    FaqEntry.objects.create(version=draft, question="Is it serious?", answer="Rarely [@miller2005].")
    submit(draft)
    preview = preview_page(client_for(reviewer), draft)  # what the reviewer's review page shows
    approve(draft)

    published = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    assert article_until_helpful(preview) == article_until_helpful(published)
    assert 'id="ref-1"' in published and "Is it serious?" in published


def test_a_draft_preview_is_marked_not_published_and_kept_out_of_search_engines(draft_factory, editor):
    draft = draft_factory(body="Typed text [@1].")
    response = client_for(editor).get(reverse("admin:articles_articleversion_preview_page", args=[draft.pk]))
    page = response.content.decode()
    assert "Preview: not published" in page
    assert '<meta name="robots" content="noindex">' in page and response["X-Robots-Tag"] == "noindex"
    assert "Typed text" in page and "Reviewed on" in page and "Medical disclaimer" in page
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # shown in the preview's frame, nowhere else
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_the_preview_offers_phone_and_desktop_widths_without_inline_script(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    url = reverse("admin:articles_articleversion_preview", args=[draft.pk])
    desktop = client.get(url).content.decode()
    phone = client.get(url + "?width=375").content.decode()
    frame = reverse("admin:articles_articleversion_preview_page", args=[draft.pk])
    assert re.search(rf'<iframe[^>]+src="{frame}"[^>]+width="1280"', desktop)
    assert re.search(rf'<iframe[^>]+src="{frame}"[^>]+width="375"', phone)
    assert 'href="?width=375"' in desktop and 'href="?width=1280"' in phone
    assert "<script>" not in desktop and "onclick" not in desktop


def test_the_review_page_shows_the_same_reader_page(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[version.pk])).content.decode()
    assert reverse("admin:articles_articleversion_preview_page", args=[version.pk]) in page


def test_readers_cannot_open_a_preview(draft_factory, reader):
    draft = draft_factory()
    response = reader.get(reverse("admin:articles_articleversion_preview_page", args=[draft.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_previewing_the_live_version_shows_its_real_review_date(draft_factory, submit, approve, editor, now):
    import datetime

    version = submit(draft_factory())
    approve(version, at=now - datetime.timedelta(days=40))
    article = Article.objects.get(pk=version.article_id)
    page = preview_page(client_for(editor), article.live_version)
    assert f'<time datetime="{article.last_reviewed_at:%Y-%m-%d}">' in page
    assert f'<time datetime="{now:%Y-%m-%d}">' not in page.split("Reviewed on")[1][:80]


# --- the series count does not pretend hidden parts do not exist --------------------------------


@pytest.fixture
def three_part_series(draft_factory, submit, approve):
    series = Series.objects.create(name="Cramps explained", slug="cramps-explained")
    versions = []
    for part in (1, 2, 3):
        version = draft_factory(slug=f"part-{part}", title=f"Part {part} title")
        Article.objects.filter(pk=version.article_id).update(series=series, part_number=part)
        versions.append(version)
    for version in versions[:2]:
        approve(submit(version))
    return series, versions


def test_a_series_with_a_hidden_part_does_not_say_part_2_of_2(three_part_series, reader):
    page = reader.get("/articles/part-2/").content.decode()
    assert "part 2 of 2" not in page and "of 3" not in page  # part 3 is a draft: not counted, not announced
    assert "Cramps explained, part 2" in page
    assert "Part 3 title" not in page


def test_a_fully_published_series_says_part_n_of_m(three_part_series, reader, submit, approve):
    _, versions = three_part_series
    approve(submit(versions[2]))
    page = reader.get("/articles/part-2/").content.decode()
    assert "part 2 of 3" in page
