"""Submit for review is part of the change form: what the editor typed is saved, then submitted."""

from django.urls import reverse

from articles.models import ArticleVersion
from tests.test_admin_review_cycle import client_for, version_form

Status = ArticleVersion.Status


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
