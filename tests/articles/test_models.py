"""The editorial models (articles/models/): a signed-off version never changes and its fingerprint
pins exactly what was signed; a published article's earlier addresses answer 301 to where it
lives now; a version's contents list nests its subsections under their sections."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import (
    Article,
    ArticleRedirect,
    ArticleVersion,
    FaqEntry,
    ImmutableVersionError,
    Reference,
    VersionAuthor,
    VersionCause,
)


@pytest.fixture
def signed_off(publish):
    return publish().live_version


def test_a_signed_off_version_refuses_to_save(signed_off):
    signed_off.title = "Something else"
    with pytest.raises(ImmutableVersionError):
        signed_off.save()
    assert ArticleVersion.objects.get(pk=signed_off.pk).title == "Night cramps"


def test_a_stale_copy_cannot_overwrite_a_version_signed_off_meanwhile(draft_factory, submit, approve):
    version = draft_factory()
    submit(version)
    stale_copy = ArticleVersion.objects.get(pk=version.pk)
    approve(version)
    stale_copy.body = "Changed behind the reviewer's back."
    with pytest.raises(ImmutableVersionError):
        stale_copy.save()


def test_a_signed_off_version_refuses_to_be_deleted(signed_off):
    with pytest.raises(ImmutableVersionError):
        signed_off.delete()


def test_the_parts_of_a_signed_off_version_cannot_change(signed_off, writer, cause):
    reference = signed_off.references.get()
    reference.title = "Edited"
    with pytest.raises(ImmutableVersionError):
        reference.save()
    with pytest.raises(ImmutableVersionError):
        reference.delete()
    with pytest.raises(ImmutableVersionError):
        Reference.objects.create(version=signed_off, number=2, title="Added later")
    with pytest.raises(ImmutableVersionError):
        FaqEntry.objects.create(version=signed_off, question="Q?", answer="A.")
    with pytest.raises(ImmutableVersionError):
        signed_off.author_links.get().delete()
    with pytest.raises(ImmutableVersionError):
        VersionAuthor.objects.create(version=signed_off, person=writer, position=5)
    with pytest.raises(ImmutableVersionError):
        signed_off.cause_links.get().delete()
    with pytest.raises(ImmutableVersionError):
        VersionCause.objects.create(content_object=signed_off, tag=cause)


def test_fingerprint_changes_with_any_part_of_the_content(draft_factory, writer):
    version = draft_factory()
    fingerprints = {version.compute_fingerprint()}
    version.summary = "A different summary."
    version.save()
    fingerprints.add(version.compute_fingerprint())
    reference = version.references.get()
    reference.pages = "431-442"
    reference.save()
    fingerprints.add(version.compute_fingerprint())
    FaqEntry.objects.create(version=version, question="Is it serious?", answer="Rarely.")
    fingerprints.add(version.compute_fingerprint())
    version.author_links.all().delete()
    fingerprints.add(version.compute_fingerprint())
    assert len(fingerprints) == 5


def test_fingerprint_is_stable_for_unchanged_content(draft_factory):
    version = draft_factory()
    assert version.compute_fingerprint() == ArticleVersion.objects.get(pk=version.pk).compute_fingerprint()


# --- earlier addresses: ArticleRedirect -------------------------------------------------------------


def rename(article: Article, slug: str) -> Article:
    article = Article.objects.get(pk=article.pk)
    article.slug = slug
    article.full_clean()
    article.save()
    return article


def test_changing_a_live_articles_slug_keeps_the_old_address_as_a_301(publish, reader):
    article = publish(slug="night-cramps")
    rename(article, "nocturnal-leg-cramps")

    response = reader.get("/articles/night-cramps/?utm_source=x")

    assert response.status_code == 301
    assert response["Location"] == "/articles/nocturnal-leg-cramps/?utm_source=x"
    assert reader.get("/articles/nocturnal-leg-cramps/").status_code == 200


def test_every_earlier_slug_goes_straight_to_the_current_one(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    rename(article, "c")

    for old in ("a", "b"):
        response = reader.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/c/")  # one hop, no chain


def test_taking_back_an_earlier_slug_stops_its_redirect(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    rename(article, "a")

    assert reader.get("/articles/a/").status_code == 200
    assert reader.get("/articles/b/")["Location"] == "/articles/a/"
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == ["b"]


def test_renaming_an_unpublished_draft_leaves_no_redirect(draft_factory):
    article = draft_factory(slug="draft-one").article
    rename(article, "draft-two")

    assert not ArticleRedirect.objects.exists()


def test_a_redirect_to_an_article_no_longer_live_is_a_404(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    Article.objects.filter(pk=article.pk).update(live_version=None)

    assert reader.get("/articles/a/").status_code == 404


def test_an_unknown_address_is_still_a_404(reader, db):
    assert reader.get("/articles/never-existed/").status_code == 404


def test_an_article_cannot_take_a_slug_that_redirects_to_another(publish):
    first = publish(slug="a")
    rename(first, "b")  # /articles/a/ now redirects to "b"
    second = publish(slug="other", title="Other")

    second.slug = "a"
    with pytest.raises(Exception) as refused:
        second.full_clean()
    assert "earlier address of" in str(refused.value)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(User.objects.get(pk=editor.pk))
    return client


def add_redirect(client, **data):
    return client.post(reverse("admin:articles_articleredirect_add"), data)


def test_an_editor_adds_and_removes_a_redirect_in_the_admin(publish, editor_client, reader):
    article = publish(slug="night-cramps")

    response = add_redirect(editor_client, old_slug="leg-cramps-at-night", article=article.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert reader.get("/articles/leg-cramps-at-night/")["Location"] == "/articles/night-cramps/"

    redirect = ArticleRedirect.objects.get()
    assert redirect.created_by.username == "editor"
    response = editor_client.post(reverse("admin:articles_articleredirect_delete", args=[redirect.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert reader.get("/articles/leg-cramps-at-night/").status_code == 404


def test_a_redirect_that_would_loop_is_refused_with_a_form_error(publish, editor_client):
    article = publish(slug="night-cramps")

    response = add_redirect(editor_client, old_slug="night-cramps", article=article.pk)

    assert response.status_code == 200
    assert "would redirect to itself" in response.content.decode()
    assert not ArticleRedirect.objects.exists()


def test_a_redirect_that_would_shadow_a_live_page_is_refused_with_a_form_error(publish, editor_client, reader):
    publish(slug="night-cramps")
    other = publish(slug="heat-cramps", title="Heat cramps")

    response = add_redirect(editor_client, old_slug="night-cramps", article=other.pk)

    assert response.status_code == 200
    assert "a redirect there would hide that page" in response.content.decode()
    assert not ArticleRedirect.objects.exists()
    assert reader.get("/articles/night-cramps/").status_code == 200


def test_changing_the_slug_in_the_admin_keeps_the_old_address(publish, editor_client, reader):
    article = publish(slug="night-cramps")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    form = editor_client.get(change_url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
        if not isinstance(value, list)
    }
    data.update(
        {
            "slug": "nocturnal-leg-cramps",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        }
    )

    response = editor_client.post(change_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert reader.get("/articles/night-cramps/")["Location"] == "/articles/nocturnal-leg-cramps/"


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


def version_form(version, **changes) -> dict:
    """The version change form as the browser posts it (inline rows left as they are)."""
    data = {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "image_credits": version.image_credits,
        "change_note": version.change_note,
        "revision_seen": version.revision,
        "_continue": "Save and continue editing",
    }
    for prefix in ("author_links", "cause_links", "references", "faq_entries"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0})
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "Night\r\ncramps"),
        ("title", "Night\ncramps"),
        ("title", "Night\x1bcramps"),
        ("title", "Night\u2028cramps"),
        ("title", "Night \u202ecramps"),
        ("summary", "About\rnight cramps."),
        ("summary", "About\tnight cramps."),
        ("change_note", "Rewrote\nthe advice."),
    ],
)
def test_a_line_break_or_control_character_in_a_single_line_field_is_refused_in_the_admin(
    draft_factory, editor, field, value
):
    from django.test import Client
    from django.urls import reverse

    version = draft_factory()
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_articleversion_change", args=[version.pk])
    response = client.post(url, version_form(version, **{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Write this on one line" in errors[field][0], errors
    assert getattr(ArticleVersion.objects.get(pk=version.pk), field) == getattr(version, field)
    page = response.content.decode()
    assert "Write this on one line" in page and "Traceback" not in page


def test_an_faq_question_with_a_line_break_is_refused(draft_factory):
    from django.core.exceptions import ValidationError

    entry = FaqEntry(version=draft_factory(), question="Is it\r\nserious?", answer="Rarely.")
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert "Write this on one line" in refused.value.message_dict["question"][0]
    entry.question = "Is it serious?"
    entry.full_clean()  # one line, with its ordinary punctuation, passes


def test_the_add_article_form_refuses_a_title_with_a_line_break(editor, topic):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(editor)
    data = {"title": "Night\r\ncramps", "slug": "night-cramps", "topic": topic.pk, "series": "", "part_number": ""}
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200 and "Write this on one line" in response.content.decode()
    assert not ArticleVersion.objects.exists()


def test_a_version_whose_title_has_a_line_break_cannot_be_submitted_however_it_got_there(draft_factory, editor):
    from articles import services
    from articles.workflow import IncompleteVersion

    version = draft_factory()
    ArticleVersion.objects.filter(pk=version.pk).update(title="Night\ncramps")  # an import, SQL: not a form
    version.refresh_from_db()
    with pytest.raises(IncompleteVersion, match="title must be on one line"):
        services.submit_version(version=version, user=editor)


def test_an_article_due_for_review_today_is_still_shown_when_overdue_articles_are_hidden(publish, settings, reader):
    """OVERDUE_POLICY=hide takes an article down the day after it falls due, not on the day."""
    import datetime

    from django.utils import timezone

    settings.SPASMINFO_OVERDUE_POLICY = "hide"
    article = publish()
    today = timezone.localdate()
    Article.objects.filter(pk=article.pk).update(next_review_due=today)
    assert Article.objects.live().filter(pk=article.pk).exists()
    assert reader.get(article.get_absolute_url()).status_code == 200
    Article.objects.filter(pk=article.pk).update(next_review_due=today - datetime.timedelta(days=1))
    assert not Article.objects.live().filter(pk=article.pk).exists()
