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
