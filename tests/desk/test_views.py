"""The draft form with its desk: autosave, restore, discard, presence, over the admin's own views."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import ArticleVersion
from desk.models import Autosave
from tests.articles.test_admin import version_form


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(version) -> str:
    return reverse("admin:articles_articleversion_change", args=[version.pk])


def autosave(client, version, **fields):
    data = {"title": version.title, "summary": version.summary, "body": version.body, **fields}
    data.setdefault("revision_seen", version.revision)
    return client.post(reverse("admin:desk_autosave", args=[version.pk]), data)


def test_the_form_reopens_with_the_autosaved_text_and_says_from_when(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    response = autosave(client, draft, body="Typed, never saved [@1].")
    assert response.status_code == 200 and "saved_at" in response.json()

    page = client.get(change_url(draft))
    html = page.content.decode()
    assert "Restored unsaved changes from" in html
    assert "Typed, never saved [@1]." in html
    assert ArticleVersion.objects.get(pk=draft.pk).body == "Cramps at night are common [@1]."


def test_another_editor_does_not_get_someone_elses_autosave(draft_factory, editor, second_editor):
    draft = draft_factory()
    autosave(client_for(editor), draft, body="Mine alone.")
    html = client_for(second_editor).get(change_url(draft)).content.decode()
    assert "Restored unsaved changes" not in html and "Mine alone." not in html


def test_discarding_the_autosave_shows_the_saved_text_again(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    autosave(client, draft, body="Second thoughts.")
    response = client.post(reverse("admin:desk_discard", args=[draft.pk]), follow=True)
    html = response.content.decode()
    assert "Second thoughts." not in html and "Restored unsaved changes" not in html
    assert "Your unsaved changes were discarded" in html
    assert not Autosave.objects.exists()


def test_a_real_save_spends_the_autosave(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    autosave(client, draft, body="Almost there [@1].")
    revision = client.get(change_url(draft)).context["adminform"].form["revision_seen"].value()
    assert client.post(change_url(draft), version_form(draft, revision, body="There [@1].")).status_code == 302
    assert not Autosave.objects.exists()
    assert "Restored unsaved changes" not in client.get(change_url(draft)).content.decode()


def test_a_restored_form_saved_over_a_newer_save_meets_the_conflict_check(draft_factory, editor, second_editor):
    draft = draft_factory()
    mine, theirs = client_for(editor), client_for(second_editor)
    autosave(mine, draft, body="My draft text [@1].")
    revision = theirs.get(change_url(draft)).context["adminform"].form["revision_seen"].value()
    assert theirs.post(change_url(draft), version_form(draft, revision, body="Their text [@1].")).status_code == 302

    restored = mine.get(change_url(draft)).context["adminform"].form
    assert restored["body"].value() == "My draft text [@1]."
    response = mine.post(
        change_url(draft), version_form(draft, restored["revision_seen"].value(), body="My draft text [@1].")
    )
    assert "Someone else saved this version" in response.content.decode()
    assert ArticleVersion.objects.get(pk=draft.pk).body == "Their text [@1]."  # never overwritten silently


def test_presence_tells_each_editor_who_else_has_the_draft_open(draft_factory, editor, second_editor):
    draft = draft_factory()
    url = reverse("admin:desk_presence", args=[draft.pk])
    assert client_for(editor).post(url).json() == {"others": []}
    assert client_for(second_editor).post(url).json() == {"others": ["editor"]}
    assert client_for(editor).post(url).json() == {"others": ["second_editor"]}
    client_for(second_editor).post(url, {"leaving": "1"})
    assert client_for(editor).post(url).json() == {"others": []}


def test_autosave_of_a_submitted_version_is_refused_with_the_reason(draft_factory, submit, editor):
    version = submit(draft_factory())
    response = autosave(client_for(editor), version, body="Too late.")
    assert response.status_code == 409 and "no longer be edited" in response.json()["error"]


@pytest.mark.parametrize("name", ["autosave", "discard", "presence"])
def test_the_desk_answers_only_posts_from_signed_in_staff(draft_factory, editor, name):
    draft = draft_factory()
    url = reverse(f"admin:desk_{name}", args=[draft.pk])
    assert Client().post(url).status_code == 302  # to the sign-in page
    assert client_for(editor).get(url).status_code == 405


def test_a_save_with_a_citation_problem_says_saved_but_never_changed_successfully(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    revision = client.get(change_url(draft)).context["adminform"].form["revision_seen"].value()
    response = client.post(
        change_url(draft), version_form(draft, revision, body="Cites an unknown key [@nosuchkey]."), follow=True
    )
    html = response.content.decode()
    assert "Citations:" in html
    assert "changed successfully" not in html
    assert "Your changes were saved, but the problems above need fixing" in html
