"""The editorial workflow in articles.services: who may do what, and when."""

import pytest
from django.db import IntegrityError, transaction

from articles import lifecycle, services, workflow
from articles.models import Article, ArticleVersion, Review
from articles.models.history import AppendOnlyError

Status = ArticleVersion.Status


def test_submitting_fingerprints_the_version(draft_factory, submit):
    version = submit(draft_factory())
    assert version.status == Status.SUBMITTED
    assert version.submitted_fingerprint == version.compute_fingerprint()


def test_an_incomplete_draft_cannot_be_submitted(draft_factory, editor):
    version = draft_factory(body="Cites a missing source [@4].")
    version.author_links.all().delete()
    with pytest.raises(workflow.IncompleteVersion) as caught:
        services.submit_version(version=version, user=editor)
    assert "at least one author" in str(caught.value)
    assert "[4]" in str(caught.value)
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.DRAFT


def test_approval_records_who_when_and_what_and_makes_the_version_live(draft_factory, submit, approve, reviewer):
    version = submit(draft_factory())
    review = approve(version)
    article = Article.objects.get(pk=version.article_id)
    assert article.live_version_id == version.pk
    assert review.reviewer == reviewer.person
    assert review.user == reviewer
    assert review.fingerprint == version.submitted_fingerprint
    assert article.last_reviewed_at == review.created_at
    assert article.last_reviewed_by == reviewer.person
    assert article.next_review_due is not None


def test_an_editor_cannot_approve(draft_factory, submit, editor, reviewer):
    version = submit(draft_factory())
    with pytest.raises(workflow.NotAllowed):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=editor
        )
    assert not Review.objects.exists()


def test_a_reviewer_cannot_approve_a_version_they_authored(draft_factory, submit, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    with pytest.raises(workflow.NotAllowed, match="author"):
        services.approve_version(
            version=version,
            reviewer=author_reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=author_reviewer,
        )
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_another_reviewer_can_approve_what_a_reviewer_authored(draft_factory, submit, approve, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    approve(version)
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.APPROVED


def test_a_version_changed_after_submission_cannot_be_approved(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    reference = version.references.get()
    reference.title = "Quietly changed after submission"
    reference.save()
    with pytest.raises(workflow.StaleVersion, match="changed after it was submitted"):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.compute_fingerprint(), user=reviewer
        )
    assert Article.objects.get(pk=version.article_id).live_version is None


def test_approval_is_refused_when_the_reviewer_saw_other_content(draft_factory, submit, reviewer, editor):
    version = submit(draft_factory())
    seen = version.submitted_fingerprint
    services.withdraw_version(version=version, user=editor)
    version.refresh_from_db()
    version.body = "Rewritten while the reviewer was reading."
    version.save()
    submit(version)
    with pytest.raises(workflow.StaleVersion, match="changed while you were reading"):
        services.approve_version(version=version, reviewer=reviewer.person, seen_fingerprint=seen, user=reviewer)


def test_sending_back_needs_a_comment_and_keeps_it(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    with pytest.raises(workflow.WorkflowError, match="comment is required"):
        services.send_back_version(version=version, reviewer=reviewer.person, comment="  ", user=reviewer)
    services.send_back_version(version=version, reviewer=reviewer.person, comment="Cite a guideline.", user=reviewer)
    version.refresh_from_db()
    assert version.status == Status.SENT_BACK
    assert version.reviews.get().comment == "Cite a guideline."


def test_a_sent_back_version_can_be_revised_and_resubmitted(draft_factory, submit, approve, reviewer):
    version = submit(draft_factory())
    services.send_back_version(version=version, reviewer=reviewer.person, comment="Shorter, please.", user=reviewer)
    version.refresh_from_db()
    version.body = "Shorter now [@1]."
    version.save()
    submit(version)
    approve(version)
    assert Article.objects.get(pk=version.article_id).live_version.body == "Shorter now [@1]."


def test_editing_a_live_article_starts_a_draft_copied_from_the_live_version(publish, editor, library_source):
    article = publish(body="Cramps are common [@miller2005].")
    live = article.live_version
    draft = services.start_draft(article=article, user=editor)
    assert draft.pk != live.pk
    assert draft.number == live.number + 1
    assert draft.status == Status.DRAFT
    assert draft.based_on == live
    assert draft.compute_fingerprint() == live.compute_fingerprint()
    assert services.start_draft(article=article, user=editor) == draft  # one open version at a time


def test_readers_keep_the_live_version_until_the_new_one_is_signed_off(publish, editor, submit, approve, reader):
    article = publish(body="The original text [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "The revised text [@1]."
    draft.save()
    submit(draft)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "The original text" in page and "The revised text" not in page

    approve(draft)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "The revised text" in page and "The original text" not in page


def test_only_one_open_version_per_article_is_possible(publish, editor):
    article = publish()
    services.start_draft(article=article, user=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleVersion.objects.create(article=article, number=99, title="A second open draft")


def test_a_reviewer_cannot_start_a_draft(publish, reviewer):
    with pytest.raises(workflow.NotAllowed):
        services.start_draft(article=publish(), user=reviewer)


def test_review_records_are_append_only(publish):
    review = publish().live_version.reviews.get()
    review.comment = "rewritten history"
    with pytest.raises(AppendOnlyError, match="cannot be changed"):
        review.save()
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        review.delete()


def _steps(draft, submitted, live, reviewer):
    """Every workflow step, called with user=None (nobody)."""
    person = reviewer.person
    return {
        "create_article": lambda: services.create_article(
            article=Article(slug="nobody", topic=draft.article.topic), title="Nobody", user=None
        ),
        "start_draft": lambda: services.start_draft(article=live, user=None),
        "submit_version": lambda: services.submit_version(version=draft, user=None),
        "withdraw_version": lambda: services.withdraw_version(version=submitted, user=None),
        "approve_version": lambda: services.approve_version(
            version=submitted, reviewer=person, seen_fingerprint=submitted.submitted_fingerprint, user=None
        ),
        "send_back_version": lambda: services.send_back_version(
            version=submitted, reviewer=person, comment="No.", user=None
        ),
        "re_review_live_version": lambda: services.re_review_live_version(
            article=live, reviewer=person, seen_fingerprint=live.live_version.compute_fingerprint(), user=None
        ),
        "archive_article": lambda: lifecycle.archive_article(article=live, user=None),
        "schedule_archive": lambda: lifecycle.schedule_archive(article=live, archive_at=None, user=None),
        "restore_article": lambda: lifecycle.restore_article(article=live, user=None),
        "assign_reviewer": lambda: lifecycle.assign_reviewer(article=live, reviewer=None, user=None),
    }


STEPS = [
    "create_article",
    "start_draft",
    "submit_version",
    "withdraw_version",
    "approve_version",
    "send_back_version",
    "re_review_live_version",
    "archive_article",
    "schedule_archive",
    "restore_article",
    "assign_reviewer",
]


@pytest.mark.parametrize("step", STEPS)
def test_a_step_taken_by_nobody_is_refused_and_changes_nothing(step, publish, draft_factory, submit, reviewer):
    live = publish(slug="live-one")
    submitted = submit(draft_factory(slug="submitted-one"))
    draft = draft_factory(slug="draft-one")
    events = live.events.count() + submitted.article.events.count() + draft.article.events.count()
    with pytest.raises(workflow.NotAllowed, match="Nobody may"):
        _steps(draft, submitted, live, reviewer)[step]()
    assert live.events.count() + submitted.article.events.count() + draft.article.events.count() == events
    assert Review.objects.count() == 1  # live's sign-off only


def test_the_system_acts_with_every_permission_and_is_recorded_as_no_account(publish, writer, topic, cause):
    version = services.create_article(
        article=Article(slug="imported", topic=topic), title="Imported", summary="From a file.", user=workflow.SYSTEM
    )
    assert version.created_by is None and version.article.created_by is None
    live = publish(slug="live-one")
    lifecycle.archive_article(article=live, user=workflow.SYSTEM)
    event = live.events.latest("created_at")
    assert event.kind == "archived" and event.user is None
