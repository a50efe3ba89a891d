"""The review cycle as editors and reviewers meet it in the admin."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleEvent, ArticleVersion, Reference

Status = ArticleVersion.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_form(version: ArticleVersion, revision: int, **changes) -> dict:
    """The version change form as the browser posts it (inline rows left as they are)."""
    data = {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "image_credits": version.image_credits,
        "revision_seen": revision,
        "_continue": "Save and continue editing",
    }
    for prefix in ("author_links", "cause_links", "references", "faq_entries"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0})
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    data.update(changes)
    return data


def test_two_editors_saving_from_stale_forms_get_a_conflict_and_lose_nothing(draft_factory, editor, second_editor):
    draft = draft_factory()
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    first, second = client_for(editor), client_for(second_editor)
    opened_at = first.get(url).context["adminform"].form["revision_seen"].value()
    assert second.get(url).context["adminform"].form["revision_seen"].value() == opened_at

    assert first.post(url, version_form(draft, opened_at, body="Editor one's paragraph [@1].")).status_code == 302
    response = second.post(url, version_form(draft, opened_at, body="Editor two's paragraph [@1]."))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this version" in page
    assert "Editor two&#x27;s paragraph" in page  # the second editor's text is still in the form
    assert ArticleVersion.objects.get(pk=draft.pk).body == "Editor one's paragraph [@1]."  # the first edit stands

    # Having seen the warning, saving again replaces the version deliberately.
    fresh = response.context["adminform"].form.data["revision_seen"]
    assert second.post(url, version_form(draft, fresh, body="Editor two's paragraph [@1].")).status_code == 302
    assert ArticleVersion.objects.get(pk=draft.pk).body == "Editor two's paragraph [@1]."


def test_the_admin_index_shows_each_person_their_own_work(
    draft_factory, submit, publish, editor, second_editor, reviewer
):
    mine = draft_factory(slug="mine", title="My draft")
    sent_back = submit(draft_factory(slug="sent-back", title="Sent back one"))
    services.send_back_version(
        version=sent_back, reviewer=reviewer.person, comment="Cite the guideline.", user=reviewer
    )
    waiting = submit(draft_factory(slug="waiting", title="Waiting one"))

    editor_page = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "Your drafts (1)" in editor_page and "My draft" in editor_page
    assert "Sent back to you (1)" in editor_page and "Cite the guideline." in editor_page

    assert "You have no drafts." in client_for(second_editor).get(reverse("admin:index")).content.decode()

    reviewer_page = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert "Awaiting your review (1)" in reviewer_page
    assert reverse("admin:articles_articleversion_review", args=[waiting.pk]) in reviewer_page
    assert mine.title not in reviewer_page


def test_the_review_page_shows_what_changed_since_the_live_version(publish, editor, submit, reviewer):
    article = publish(body="Cramps are common at night [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Cramps are very common at night [@1]."
    draft.save()
    Reference.objects.create(version=draft, number=2, title="Nocturnal leg cramps", source="BMJ", year=2012)
    draft = submit(draft)
    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[draft.pk])).content.decode()
    assert "What changed since live version 1" in page
    assert "<ins>very</ins>" in page
    assert "<ins>[2] Nocturnal leg cramps · BMJ · 2012</ins>" in page


def test_a_reviewer_schedules_the_go_live_time_when_signing_off(draft_factory, submit, reviewer, reader):
    version = submit(draft_factory())
    go_live = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(reviewer).post(
        reverse("admin:articles_articleversion_review", args=[version.pk]),
        {"decision": "approve", "fingerprint": version.submitted_fingerprint, "go_live_at": go_live},
        follow=True,
    )
    assert "goes live at" in response.content.decode()
    article = Article.objects.get(pk=version.article_id)
    assert article.scheduled_version_id == version.pk and article.live_version is None
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_a_malformed_go_live_time_is_explained_and_nothing_is_signed(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    response = client_for(reviewer).post(
        reverse("admin:articles_articleversion_review", args=[version.pk]),
        {
            "decision": "approve",
            "fingerprint": version.submitted_fingerprint,
            "go_live_at": "next week",
            "comment": "ok",
        },
    )
    assert response.status_code == 400
    assert "is not a date and time" in response.content.decode()
    assert 'value="next week"' in response.content.decode()
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_a_reviewer_re_reviews_from_the_article_page(publish, reviewer):
    article = publish()
    client = client_for(reviewer)
    url = reverse("admin:articles_article_rereview", args=[article.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Confirm still accurate" in page.content.decode()
    client.post(url, {"fingerprint": page.context["fingerprint"], "comment": "Checked against 2026 guidance."})
    assert article.live_version.reviews.filter(outcome="confirmed").get().comment == "Checked against 2026 guidance."


def test_editors_archive_and_restore_from_the_article_page(publish, editor):
    article = publish()
    client = client_for(editor)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert "Archive now" in client.get(change_url).content.decode()
    client.post(reverse("admin:articles_article_archive", args=[article.pk]))
    article.refresh_from_db()
    assert article.archived_at is not None
    assert "Restore to listings" in client.get(change_url).content.decode()
    client.post(reverse("admin:articles_article_restore", args=[article.pk]))
    article.refresh_from_db()
    assert article.archived_at is None


def test_assigning_a_reviewer_in_the_form_is_recorded_in_the_timeline(publish, editor, reviewer):
    article = publish()
    client = client_for(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "slug": article.slug,
        "topic": article.topic_id,
        "series": "",
        "part_number": "",
        "review_interval_months": "",
        "assigned_reviewer": reviewer.person.pk,
        "archive_at_0": "",
        "archive_at_1": "",
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 1000,
    }
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.assigned_reviewer == reviewer.person
    assert article.events.filter(kind=ArticleEvent.Kind.ASSIGNED, user=editor).exists()
    page = client.get(url).content.decode()
    assert "Reviewer assigned" in page and "Assigned to Ana Rivera, MD, FACEP." in page


@pytest.mark.parametrize(("due", "expected"), [("overdue", ["late"]), ("soon", ["soon"]), ("never", ["fresh-draft"])])
def test_the_article_list_filters_by_review_due(publish, draft_factory, editor, due, expected):
    import time_machine

    with time_machine.travel("2025-10-01 10:00Z", tick=False):
        publish(slug="late", title="Late")
    with time_machine.travel("2025-12-01 10:00Z", tick=False):
        publish(slug="soon", title="Soon")
    draft_factory(slug="fresh-draft", title="Fresh")
    with time_machine.travel("2026-11-21 12:00Z", tick=False):
        response = client_for(editor).get(reverse("admin:articles_article_changelist"), {"due": due})
    assert [article.slug for article in response.context["cl"].result_list] == expected


def test_changing_an_articles_address_in_the_form_is_recorded_in_the_timeline(publish, editor, reader):
    article = publish(slug="night-cramps")
    client = client_for(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "slug": "leg-cramps-at-night",
        "topic": article.topic_id,
        "series": "",
        "part_number": "",
        "review_interval_months": "",
        "assigned_reviewer": "",
        "archive_at_0": "",
        "archive_at_1": "",
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 1000,
    }
    assert client.post(url, data).status_code == 302
    event = article.events.get(kind=ArticleEvent.Kind.ADDRESS_CHANGED)
    assert event.user == editor and "/articles/night-cramps/ → /articles/leg-cramps-at-night/" in event.comment
    assert "Address changed" in client.get(url).content.decode()
    assert reader.get("/articles/night-cramps/")["Location"] == "/articles/leg-cramps-at-night/"
