import datetime

import pytest

from articles.workflow import NotAllowed
from desk import services
from desk.models import Autosave


def test_an_autosave_leaves_the_version_its_revision_and_its_fingerprint_alone(draft_factory, editor):
    draft = draft_factory()
    fingerprint, revision, body = draft.compute_fingerprint(), draft.revision, draft.body

    services.autosave(
        version=draft, user=editor, fields={"title": draft.title, "body": "Half a new sentence"}, base_revision=revision
    )

    draft.refresh_from_db()
    assert (draft.compute_fingerprint(), draft.revision, draft.body) == (fingerprint, revision, body)
    assert Autosave.objects.get(version=draft, user=editor).body == "Half a new sentence"


def test_each_editor_keeps_one_autosave_per_version_the_latest(draft_factory, editor):
    draft = draft_factory()
    for text in ("One", "One two", "One two three"):
        services.autosave(version=draft, user=editor, fields={"body": text}, base_revision=draft.revision)
    assert list(Autosave.objects.values_list("body", flat=True)) == ["One two three"]


def test_an_autosave_is_offered_back_only_while_it_differs_from_the_saved_text(draft_factory, editor):
    draft = draft_factory()
    same = {name: getattr(draft, name) for name in ("title", "summary", "body", "image_credits", "change_note")}
    services.autosave(version=draft, user=editor, fields=same, base_revision=draft.revision)
    assert services.restorable(version=draft, user=editor) is None

    services.autosave(version=draft, user=editor, fields={**same, "body": "New"}, base_revision=draft.revision)
    assert services.restorable(version=draft, user=editor).body == "New"


def test_a_submitted_version_takes_no_autosave(draft_factory, submit, editor):
    version = submit(draft_factory())
    with pytest.raises(NotAllowed, match="no longer be edited"):
        services.autosave(version=version, user=editor, fields={"body": "x"}, base_revision=version.revision)
    assert not Autosave.objects.exists()


def test_a_reviewer_cannot_autosave(draft_factory, reviewer):
    draft = draft_factory()
    with pytest.raises(NotAllowed):
        services.autosave(version=draft, user=reviewer, fields={"body": "x"}, base_revision=draft.revision)


def test_text_too_long_to_autosave_is_refused_whole_not_cut(draft_factory, editor):
    draft = draft_factory()
    with pytest.raises(NotAllowed, match="too long"):
        services.autosave(
            version=draft, user=editor, fields={"body": "x" * (services.MAX_FIELD_CHARS + 1)}, base_revision=1
        )
    assert not Autosave.objects.exists()


def test_presence_names_the_others_seen_lately_and_not_oneself(draft_factory, editor, second_editor, now):
    draft = draft_factory()
    assert services.here(version=draft, user=editor, now=now) == []
    assert services.here(version=draft, user=second_editor, now=now) == ["editor"]
    assert services.here(version=draft, user=editor, now=now) == ["second_editor"]

    later = now + datetime.timedelta(minutes=5)  # the second editor stopped pinging
    assert services.here(version=draft, user=editor, now=later) == []


def test_an_editor_who_leaves_is_no_longer_shown(draft_factory, editor, second_editor, now):
    draft = draft_factory()
    services.here(version=draft, user=second_editor, now=now)
    services.gone(version=draft, user=second_editor)
    assert services.here(version=draft, user=editor, now=now) == []
