"""Small things an editor and a reviewer meet in the admin, each pinned by a test."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles import lifecycle
from articles.models import Article, Series

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- the contents list nests ### under ## ------------------------------------------------------


def test_the_contents_list_nests_subsections_under_their_section(publish, reader):
    body = "Intro [@1].\n\n## Causes\n\nText.\n\n### Heat\n\nText.\n\n### Cold\n\nText.\n\n## Treatment\n\nText."
    article = publish(slug="nested", body=body)
    page = reader.get(article.get_absolute_url()).content.decode()
    toc = page[page.index('<nav class="toc"') : page.index("</nav>", page.index('<nav class="toc"'))]
    outer = re.sub(r"\s+", "", toc)
    assert re.search(
        r'<ol><li><ahref="#causes">Causes</a><ul><li><ahref="#heat">Heat</a></li><li><ahref="#cold">Cold</a></li>'
        r'</ul></li><li><ahref="#treatment">Treatment</a></li>',
        outer,
    ), toc


def test_a_subsection_before_any_section_stays_at_the_top_level(publish, reader):
    article = publish(slug="early", body="### Early\n\nText [@1].\n\n## Later\n\nText.")
    page = reader.get(article.get_absolute_url()).content.decode()
    toc = re.sub(r"\s+", "", page[page.index('<nav class="toc"') :])
    assert '<ol><li><ahref="#early">Early</a></li><li><ahref="#later">Later</a></li>' in toc


# --- a constraint is a form error in words, not the constraint's name ---------------------------


def test_a_taken_series_part_is_a_form_error_in_words(draft_factory, editor, topic):
    series = Series.objects.create(name="Cramps", slug="cramps")
    first = draft_factory(slug="part-one")
    Article.objects.filter(pk=first.article_id).update(series=series, part_number=1)
    response = client_for(editor).post(
        reverse("admin:articles_article_add"),
        {"title": "Another", "slug": "another", "topic": topic.pk, "series": series.pk, "part_number": 1},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Article.objects.filter(slug="another").exists()
    assert "is violated" not in page and "articles_one_article_per_series_part" not in page
    assert "already has a part 1" in page


# --- the slug's help text shows the address -----------------------------------------------------


def test_the_slug_help_text_shows_an_address_not_an_empty_one(editor):
    page = client_for(editor).get(reverse("admin:articles_article_add")).content.decode()
    assert "/articles//" not in page
    assert "/articles/night-leg-cramps/" in page


def test_the_redirect_help_text_shows_an_address_too(editor):
    page = client_for(editor).get(reverse("admin:articles_articleredirect_add")).content.decode()
    assert "/articles//" not in page and "/articles/old-name/" in page


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


# --- a helpful 403 ------------------------------------------------------------------------------


def test_an_editor_following_a_review_link_gets_a_page_that_explains(draft_factory, submit, editor):
    version = submit(draft_factory())
    response = client_for(editor).get(reverse("admin:articles_articleversion_review", args=[version.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Only medical reviewers" in page
    assert reverse("admin:articles_articleversion_change", args=[version.pk]) in page  # where to go instead
    assert "editor" in page  # who they are signed in as
    assert "Forbidden</h1>" not in page


def test_the_403_page_names_the_signed_in_account_and_its_groups(draft_factory, submit, editor):
    version = submit(draft_factory())
    page = client_for(editor).get(reverse("admin:articles_articleversion_review", args=[version.pk]))
    assert "Editors" in page.content.decode()


# --- the time zone beside Go live at ------------------------------------------------------------


def test_go_live_at_names_its_time_zone(draft_factory, submit, reviewer, settings):
    version = submit(draft_factory())
    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[version.pk]))
    assert f"time zone: {settings.TIME_ZONE}" in page.content.decode()


# --- confirmation before sign-off, archive and take-down ----------------------------------------


def test_sign_off_asks_for_confirmation_before_posting(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[version.pk])).content
    page = page.decode()
    details = page[page.index('<details class="confirm" id="confirm-sign-off"') :]
    details = details[: details.index("</details>")]
    assert "<summary" in details and "Sign off and publish" in details
    assert 'name="decision" value="approve"' in details  # the button that posts is only inside it
    assert page.count('value="approve"') == 1


def test_archive_asks_for_confirmation_before_posting(publish, editor):
    article = publish()
    page = client_for(editor).get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    details = page[page.index('<details class="confirm" id="confirm-archive"') :]
    details = details[: details.index("</details>")]
    assert 'form="archive-form"' in details and page.count('form="archive-form"') == 1


def test_take_down_asks_for_the_reason_on_its_own_page_before_posting(publish, reviewer):
    article = publish()
    client = client_for(reviewer)
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "take-down-form" not in change  # a link to the confirmation page, no form that posts at once
    assert reverse("admin:articles_article_takedown", args=[article.pk]) in change
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert lifecycle.take_down_refusal(article, reviewer) == ""


def test_any_other_refusal_gets_the_sites_403_page_with_the_way_back(draft_factory, django_user_model):
    version = draft_factory()
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    response = client_for(nobody).get(reverse("admin:articles_articleversion_preview", args=[version.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in page and "nobody" in page and reverse("admin:index") in page
