"""Questions and expert answers: the article workflow, for answers.

An editor accepts a reader's question (private until then) and writes or enters an
expert's answer; submitting fingerprints it and makes it read-only; a confirmed medical
reviewer who did not write or submit it signs off exactly what was shown (the fingerprint
under a row lock), which makes it the question's live answer and immutable; or sends it
back with a comment. Permissions are the articles' own (`articles.workflow`): editors
edit, `articles.sign_off_articleversion` signs off; SYSTEM for the site, None refused.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles import notifications, signoff
from articles.models import Person
from articles.workflow import EDIT_PERMISSION, Actor, NotAllowed, account, require
from participation.models import AnswerReview, AnswerVersion, Question

Status = AnswerVersion.Status


def _unique_slug(text: str, pk: int) -> str:
    base = slugify(text)[:70].strip("-") or "question"
    slug = base
    if Question.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug = f"{base}-{pk}"
    return slug


@transaction.atomic
def accept_question(*, question: Question, user: Actor, topic=None, article=None) -> Question:
    require(user, EDIT_PERMISSION, "accept questions")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != Question.Status.NEW:
        raise NotAllowed("Only a new question can be accepted.")
    question.status, question.accepted_at, question.decided_by = (
        Question.Status.ACCEPTED,
        timezone.now(),
        account(user),
    )
    question.slug = _unique_slug(question.text, question.pk)
    question.topic = topic or question.topic
    question.article = article or question.article
    question.save()
    return question


@transaction.atomic
def decline_question(*, question: Question, user: Actor, reason: str) -> Question:
    require(user, EDIT_PERMISSION, "decline questions")
    if not reason.strip():
        raise NotAllowed("Give a reason for declining.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.live_answer_id:
        raise NotAllowed("An answered question stays; send a new answer version instead.")
    question.status, question.decided_by, question.decline_reason = (
        Question.Status.DECLINED,
        account(user),
        reason[:300],
    )
    question.save()
    return question


@transaction.atomic
def start_answer(*, question: Question, answerer: Person, user: Actor, body: str = "") -> AnswerVersion:
    """A new draft answer (copying the live answer's text when there is one)."""
    require(user, EDIT_PERMISSION, "write answers")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != Question.Status.ACCEPTED:
        raise NotAllowed("Accept the question before answering it.")
    if question.answers.exclude(status=Status.APPROVED).exists():
        raise NotAllowed("This question already has an answer in progress.")
    number = (question.answers.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if not body and question.live_answer_id:
        body = question.live_answer.body
    version = AnswerVersion.objects.create(
        question=question, number=number, answerer=answerer, body=body, created_by=account(user)
    )
    worked_on(version, user)
    return version


def worked_on(version: AnswerVersion, user: Actor) -> None:
    """Remember that `user` created, edited or submitted `version`: it may never sign it off."""
    editor = account(user)
    if editor is not None and editor.pk is not None:
        version.editors.add(editor)


def _lock(version: AnswerVersion) -> AnswerVersion:
    return AnswerVersion.objects.select_for_update().select_related("question", "answerer").get(pk=version.pk)


@transaction.atomic
def submit_answer(*, version: AnswerVersion, user: Actor) -> AnswerVersion:
    require(user, EDIT_PERMISSION, "submit answers")
    version = _lock(version)
    if version.status not in (Status.DRAFT, Status.SENT_BACK):
        raise NotAllowed("Only a draft or a sent-back answer can be submitted.")
    if not version.body.strip():
        raise NotAllowed("The answer is empty.")
    version.status, version.submitted_by, version.submitted_at = Status.SUBMITTED, account(user), timezone.now()
    version.submitted_fingerprint = version.compute_fingerprint()
    version.save()
    worked_on(version, user)
    notifications.for_review(
        version,
        subject=f"For review: an answer to “{version.question.text[:60]}”",
        lines=[f"{version.answerer.name}'s answer (v{version.number}) was submitted for medical review."],
        link=settings.SPASMINFO_SITE_URL + reverse("admin:participation_answer_review", args=[version.pk]),
        link_label="Review this answer",
    )
    return version


def answer_sign_off_refusal(version: AnswerVersion, reviewer: Person | None, user: Actor) -> str:
    """Why this account may not sign off (or send back) this answer as `reviewer`; "" if it may."""
    return signoff.refusal(version, user=user, reviewer=reviewer)


def _check(version: AnswerVersion, reviewer: Person, user: Actor, seen_fingerprint: str) -> str:
    signoff.require_may_sign(version, user=user, reviewer=reviewer)
    if version.status != Status.SUBMITTED:
        raise NotAllowed("Only a submitted answer can be reviewed.")
    return signoff.require_unchanged(version, seen=seen_fingerprint, submitted=version.submitted_fingerprint)


@transaction.atomic
def approve_answer(*, version: AnswerVersion, reviewer: Person, seen_fingerprint: str, user: Actor) -> AnswerVersion:
    version = _lock(version)
    _check(version, reviewer, user, seen_fingerprint)
    now = timezone.now()
    AnswerReview.objects.create(
        version=version, reviewer=reviewer, user=account(user), outcome="approved", fingerprint=seen_fingerprint
    )
    version.status, version.approved_at = Status.APPROVED, now
    version.save()
    question = Question.objects.select_for_update().get(pk=version.question_id)
    question.live_answer, question.answered_at = version, now
    question.save(update_fields=["live_answer", "answered_at"])
    if question.email:
        _tell_the_asker(question)  # a mail job written with the sign-off, sent by the worker
    return version


def _tell_the_asker(question: Question) -> None:
    """The reader gave an address to be told when it is answered: one mail with the link."""

    from operations.mail import queue_mail, reader_mail

    url = settings.SPASMINFO_SITE_URL + question.get_absolute_url()
    message = reader_mail(
        subject=f"[{settings.SPASMINFO_SITE_NAME}] Your question was answered",
        text=(
            f"You asked: {question.text}\n\n"
            f"An expert answered it, and a medical reviewer signed the answer off:\n{url}\n"
        ),
        to=[question.email],
    )
    queue_mail(message)


@transaction.atomic
def send_back_answer(*, version: AnswerVersion, reviewer: Person, comment: str, user: Actor) -> AnswerVersion:
    comment = signoff.require_comment(comment)
    version = _lock(version)
    _check(version, reviewer, user, version.submitted_fingerprint)
    AnswerReview.objects.create(
        version=version,
        reviewer=reviewer,
        user=account(user),
        outcome="sent_back",
        fingerprint=version.submitted_fingerprint,
        comment=comment,
    )
    version.status = Status.SENT_BACK
    version.save()
    return version
