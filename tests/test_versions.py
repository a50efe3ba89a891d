"""A signed-off version never changes; its fingerprint pins exactly what was signed."""

import pytest

from articles.models import ArticleVersion, FaqEntry, ImmutableVersionError, Reference, VersionAuthor, VersionCause


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
