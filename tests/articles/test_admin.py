"""The admin as editors and reviewers use it: pages load, buttons do what they say, and the
server refuses what a role may not do even when the button is hidden; the review cycle as they
meet it there; lists that run a fixed number of queries however many rows they show; and the
small things an editor and a reviewer meet there (form errors in words, help texts that show an
address, a 403 page that explains, confirmation before a step that cannot be undone)."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services
from articles.models import Article, ArticleEvent, ArticleVersion, Reference, Series

Status = ArticleVersion.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(draft_factory, submit):
    return submit(draft_factory())


ADMIN_LISTS = [
    "admin:index",
    "admin:articles_article_changelist",
    "admin:articles_articleversion_changelist",
    "admin:articles_person_changelist",
    "admin:articles_review_changelist",
    "admin:taxonomy_cause_changelist",
    "admin:taxonomy_topic_changelist",
]


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_admin_pages_load_for_editors_and_reviewers(role, request, publish, submitted):
    client = client_for(request.getfixturevalue(role))
    live = publish(slug="live-one")
    for name in ADMIN_LISTS:
        assert client.get(reverse(name)).status_code == 200, name
    for url in [
        reverse("admin:articles_article_change", args=[live.pk]),
        reverse("admin:articles_articleversion_change", args=[live.live_version_id]),
        reverse("admin:articles_articleversion_change", args=[submitted.pk]),
        reverse("admin:articles_articleversion_preview", args=[submitted.pk]),
        reverse("admin:articles_article_changelist") + "?status=submitted",
        reverse("admin:articles_article_changelist") + "?q=night",
    ]:
        assert client.get(url).status_code == 200, url


def test_article_list_shows_status_live_version_and_review_dates(publish, editor, draft_factory):
    live = publish(slug="live-one", title="A live article")
    draft_factory(slug="only-a-draft", title="Only a draft")
    page = client_for(editor).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "A live article" in page and "Only a draft" in page
    assert f"Live v{live.live_version.number}" in page
    assert f"{live.next_review_due:%d %b %Y}" in page


def test_an_editor_adds_an_article_and_lands_on_its_first_draft(editor, topic):
    client = client_for(editor)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "Heat cramps", "slug": "heat-cramps", "topic": topic.pk, "review_interval_months": ""},
    )
    draft = ArticleVersion.objects.get(article__slug="heat-cramps")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[draft.pk])
    assert (draft.number, draft.status, draft.title, draft.created_by) == (1, Status.DRAFT, "Heat cramps", editor)


def test_an_invalid_new_article_shows_errors_and_keeps_what_was_typed(editor, topic, publish):
    publish(slug="taken")
    response = client_for(editor).post(
        reverse("admin:articles_article_add"), {"title": "Typed title", "slug": "taken", "topic": topic.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Article with this Slug already exists" in page
    assert 'value="Typed title"' in page


def test_an_editor_submits_a_draft_from_its_page(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[draft.pk])).content.decode()
    assert "Submit for review" in page
    client.post(reverse("admin:articles_articleversion_submit", args=[draft.pk]))
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_submitting_an_incomplete_draft_explains_what_is_missing(editor, topic):
    client = client_for(editor)
    client.post(reverse("admin:articles_article_add"), {"title": "Empty", "slug": "empty", "topic": topic.pk})
    draft = ArticleVersion.objects.get(article__slug="empty")
    response = client.post(reverse("admin:articles_articleversion_submit", args=[draft.pk]), follow=True)
    assert "it needs a body" in response.content.decode()
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_submitted_version_is_read_only_for_editors(submitted, editor):
    client = client_for(editor)
    url = reverse("admin:articles_articleversion_change", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert 'name="title"' not in page
    response = client.post(url, {"title": "Sneaky edit", "body": "My unsaved paragraph."})
    assert response.status_code == 409
    assert "can no longer be edited" in response.content.decode()
    assert "My unsaved paragraph." in response.content.decode()  # the editor's text is not lost
    assert ArticleVersion.objects.get(pk=submitted.pk).title == "Night cramps"


def test_edit_content_on_a_live_article_opens_a_copy_of_the_live_version(publish, editor):
    article = publish()
    client = client_for(editor)
    assert "Edit content" in client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    response = client.post(reverse("admin:articles_article_edit", args=[article.pk]))
    draft = article.versions.get(status=Status.DRAFT)
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[draft.pk])
    assert draft.references.count() == 1 and draft.cause_links.count() == 1 and draft.author_links.count() == 1


def test_a_reviewer_signs_off_from_the_review_page(submitted, reviewer, reader):
    client = client_for(reviewer)
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert submitted.submitted_fingerprint in page
    assert "Sign off and publish" in page
    client.post(url, {"decision": "approve", "fingerprint": submitted.submitted_fingerprint})
    article = Article.objects.get(pk=submitted.article_id)
    assert article.live_version_id == submitted.pk
    assert reader.get(article.get_absolute_url()).status_code == 200


def test_a_reviewer_sends_back_with_a_comment_the_editor_then_sees(submitted, reviewer, editor):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    client_for(reviewer).post(url, {"decision": "send_back", "comment": "Add the 2020 guideline.", "fingerprint": "x"})
    page = client_for(editor).get(reverse("admin:articles_articleversion_change", args=[submitted.pk])).content.decode()
    assert "Add the 2020 guideline." in page
    assert ArticleVersion.objects.get(pk=submitted.pk).status == Status.SENT_BACK


def test_sending_back_without_a_comment_keeps_the_page_and_what_was_typed(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "send_back", "comment": "   ", "fingerprint": "x"})
    assert response.status_code == 400
    assert "comment is required" in response.content.decode()


def test_approving_with_a_stale_fingerprint_is_refused_with_a_clear_message(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "approve", "fingerprint": "0" * 64})
    assert response.status_code == 409
    assert "changed while you were reading" in response.content.decode()
    assert Article.objects.get(pk=submitted.article_id).live_version is None


def test_a_reviewer_cannot_sign_off_their_own_writing_in_the_admin(draft_factory, submit, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    url = reverse("admin:articles_articleversion_review", args=[version.pk])
    response = client_for(author_reviewer).post(
        url, {"decision": "approve", "fingerprint": version.submitted_fingerprint}
    )
    assert response.status_code == 400
    assert "so another reviewer signs this off" in response.content.decode()


def test_an_editor_cannot_open_or_post_the_review_page(submitted, editor):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    client = client_for(editor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "fingerprint": submitted.submitted_fingerprint}).status_code == 403
    assert Article.objects.get(pk=submitted.article_id).live_version is None


def test_a_reviewer_cannot_edit_content(draft_factory, reviewer):
    draft = draft_factory()
    client = client_for(reviewer)
    assert (
        client.post(reverse("admin:articles_articleversion_change", args=[draft.pk]), {"title": "x"}).status_code == 403
    )
    assert client.post(reverse("admin:articles_article_edit", args=[draft.article_id])).status_code == 302
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert ArticleVersion.objects.get(pk=draft.pk).title == "Night cramps"


def test_a_signed_off_version_shows_read_only_even_to_a_superuser(publish, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", password="pw")
    version = publish().live_version
    client = client_for(admin_user)
    url = reverse("admin:articles_articleversion_change", args=[version.pk])
    assert 'name="title"' not in client.get(url).content.decode()
    assert client.post(url, {"title": "x"}).status_code == 409
    assert ArticleVersion.objects.get(pk=version.pk).title == "Night cramps"


def test_a_review_without_a_decision_gets_the_forms_error_and_keeps_the_comment(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "publish-now", "comment": "Looks fine", "fingerprint": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose to sign off or to send back." in page
    assert ">Looks fine</textarea>" in page
    assert ArticleVersion.objects.get(pk=submitted.pk).status == Status.SUBMITTED


# --- the review cycle in the admin ------------------------------------------------------------------


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
    unconfirmed = client.post(url, {"fingerprint": page.context["fingerprint"], "comment": "Checked."})
    assert unconfirmed.status_code == 400 and "Tick the confirmation" in unconfirmed.content.decode()
    assert not article.live_version.reviews.filter(outcome="confirmed").exists()
    client.post(
        url, {"fingerprint": page.context["fingerprint"], "comment": "Checked against 2026 guidance.", "confirmed": "1"}
    )
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


# --- submit for review is part of the change form ---------------------------------------------------


def test_submit_for_review_saves_the_typed_text_into_the_submitted_version(draft_factory, editor):
    draft = draft_factory()
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    client = client_for(editor)
    revision = client.get(url).context["adminform"].form["revision_seen"].value()

    data = version_form(draft, revision, body="Typed but never saved [@1].", _submit_for_review="1")
    del data["_continue"]
    response = client.post(url, data, follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.body == "Typed but never saved [@1]."
    assert draft.submitted_fingerprint == draft.compute_fingerprint()
    assert "Submitted for medical review." in response.content.decode()


def test_submit_with_an_invalid_form_submits_nothing_and_keeps_the_text(draft_factory, editor):
    draft = draft_factory()
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    client = client_for(editor)
    revision = client.get(url).context["adminform"].form["revision_seen"].value()

    data = version_form(draft, revision, title="", body="My new paragraph [@1].", _submit_for_review="1")
    response = client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "My new paragraph [@1]." in page  # still in the form
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.body != "My new paragraph [@1]."


def test_submit_of_an_incomplete_draft_keeps_the_save_and_says_why_it_was_not_submitted(draft_factory, editor):
    draft = draft_factory()
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    client = client_for(editor)
    revision = client.get(url).context["adminform"].form["revision_seen"].value()

    data = version_form(draft, revision, body="", _submit_for_review="1")
    response = client.post(url, data, follow=True)

    page = response.content.decode()
    assert "Your changes were saved, but not submitted" in page and "it needs a body" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.body == ""


# --- the admin's lists run a fixed number of queries (no N+1) ---------------------------------------

# list -> exact queries for a signed-in editor: session, user, counts, the rows, the filters' choices
LIST_QUERIES = {
    "admin:articles_article_changelist": 10,
    "admin:articles_articleversion_changelist": 8,
}


def grow_to(rows: int, draft_factory) -> None:
    """`rows` articles: live ones from generate_content, and two that only have a draft."""
    for slug in ("draft-one", "draft-two"):
        if not Article.objects.filter(slug=slug).exists():
            draft_factory(slug=slug, title=slug.replace("-", " ").capitalize())
    missing = rows - Article.objects.count()
    call_command("generate_content", articles=missing, verify_every=0, jobs=1, stdout=io.StringIO())
    assert Article.objects.count() == rows


def queries(client, name: str, rows: int) -> int:
    client.get(reverse(name))  # warm anything loaded once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows
    return len(captured)


@pytest.mark.parametrize("name", LIST_QUERIES)
def test_an_admin_list_costs_the_same_queries_for_ten_rows_and_for_fifty(name, client, editor, draft_factory):
    client.force_login(editor)
    counts = {}
    for rows in (10, 50):
        grow_to(rows, draft_factory)
        counts[rows] = queries(client, name, rows)
    print(f"\n{name}: {counts[10]} queries for 10 rows, {counts[50]} for 50")
    assert counts == {10: LIST_QUERIES[name], 50: LIST_QUERIES[name]}


# --- rolling back from the version page -------------------------------------------------------------


def test_the_version_page_offers_start_a_draft_from_this_version(two_versions, editor):
    article, v1, v2 = two_versions
    client = client_for(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[v1.pk])).content.decode()
    assert "Start a draft from this version" in page
    live_page = client.get(reverse("admin:articles_articleversion_change", args=[v2.pk])).content.decode()
    assert "Start a draft from this version" not in live_page  # the live one: "Edit content" on the article
    response = client.post(reverse("admin:articles_articleversion_rollback", args=[v1.pk]))
    draft = article.versions.get(number=3)
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("admin:articles_articleversion_change", args=[draft.pk])
    )
    assert draft.based_on == v1


def test_reviewers_are_not_offered_a_rollback_and_cannot_post_one(two_versions, reviewer):
    article, v1, _ = two_versions
    client = client_for(reviewer)
    page = client.get(reverse("admin:articles_articleversion_change", args=[v1.pk])).content.decode()
    assert "Start a draft from this version" not in page
    client.post(reverse("admin:articles_articleversion_rollback", args=[v1.pk]))
    assert article.versions.count() == 2


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
