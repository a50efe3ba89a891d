import pytest
from django.core import mail

from articles import services as workflow_services
from articles.models import ArticleVersion
from articles.workflow import NotAllowed, WorkflowError
from comments import services
from comments.models import ReviewComment


@pytest.fixture
def submitted(draft_factory, submit, editor):
    draft = draft_factory(body="Cramps at night are common [@1]. Quinine helps everyone.")
    draft.editors.add(editor)
    return submit(draft)


def concern(version, reviewer, quote="Quinine helps everyone.", **kwargs):
    return services.add_comment(
        version=version,
        user=reviewer,
        quote=quote,
        text="Quinine is not advised: FDA warning.",
        clinical=True,
        **kwargs,
    )


def test_an_open_clinical_comment_holds_the_sign_off_with_its_reason(submitted, reviewer, approve):
    concern(submitted, reviewer)
    assert services.open_clinical_concerns(submitted) == [
        "reviewer on “Quinine helps everyone.”: Quinine is not advised: FDA warning."
    ]
    with pytest.raises(NotAllowed, match=r"Something open holds the sign-off.*Quinine is not advised"):
        approve(submitted)
    assert ArticleVersion.objects.get(pk=submitted.pk).status == ArticleVersion.Status.SUBMITTED


def test_once_resolved_the_reviewer_can_sign_off_and_the_thread_stays_with_the_version(
    submitted, reviewer, editor, approve
):
    comment = concern(submitted, reviewer)
    services.reply(comment=comment, user=editor, text="Removed the sentence.")
    services.resolve(comment=comment, user=editor)
    approve(submitted)
    kept = ReviewComment.objects.get(pk=comment.pk)
    assert kept.version_id == submitted.pk and kept.resolved_by == editor
    assert [reply.text for reply in kept.replies.all()] == ["Removed the sentence."]


def test_a_comment_that_is_not_clinical_does_not_hold_the_sign_off(submitted, reviewer, approve):
    services.add_comment(version=submitted, user=reviewer, quote="common", text="Say how common.")
    approve(submitted)


def test_a_reviewer_may_still_send_back_with_a_clinical_comment_open(submitted, reviewer):
    concern(submitted, reviewer)
    workflow_services.send_back_version(
        version=submitted,
        reviewer=reviewer.person,
        comment="See the clinical comment.",
        user=reviewer,
        seen_fingerprint=submitted.compute_fingerprint(),
    )


def test_a_passage_not_in_the_text_is_refused_and_nothing_is_stored(submitted, reviewer):
    with pytest.raises(WorkflowError, match="not in the text"):
        concern(submitted, reviewer, quote="Magnesium cures cramps.")
    assert not ReviewComment.objects.exists()


def test_the_editors_are_emailed_about_a_clinical_comment(
    submitted, reviewer, editor, django_capture_on_commit_callbacks
):
    type(editor).objects.filter(pk=editor.pk).update(email="editor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        concern(submitted, reviewer)
    [message] = [m for m in mail.outbox if "editor@example.org" in m.to]
    assert "A clinical concern on" in message.subject and "holds the sign-off" in message.body


def test_only_an_editor_or_the_author_resolves(submitted, reviewer, author_reviewer, editor):
    comment = concern(submitted, reviewer)
    with pytest.raises(NotAllowed):
        services.resolve(comment=comment, user=author_reviewer)
    services.resolve(comment=comment, user=reviewer)  # the one who raised it
    with pytest.raises(NotAllowed, match="already resolved"):
        services.resolve(comment=comment, user=editor)


def test_a_signed_off_version_takes_no_new_comments(publish, reviewer):
    version = publish().live_version
    with pytest.raises(NotAllowed, match="signed off"):
        services.add_comment(version=version, user=reviewer, quote="common", text="Late.")


def test_an_outside_expert_comments_under_their_own_name(submitted):
    comment = services.add_comment(version=submitted, expert_name="Dr Ada Pell", quote="common", text="Fine.")
    assert comment.by == "Dr Ada Pell (outside expert)" and comment.author is None
