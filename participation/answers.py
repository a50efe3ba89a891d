"""Questions and expert answers: the article workflow, for answers.

An editor accepts a reader's question (private until then) and writes or enters an
expert's answer; submitting fingerprints it and makes it read-only; a confirmed medical
reviewer who did not write or submit it signs off exactly what was shown (the fingerprint
under a row lock), which makes it the question's live answer and immutable; or sends it
back with a comment. Permissions are the articles' own (`articles.workflow`): editors
edit, `articles.sign_off_articleversion` signs off; SYSTEM for the site, None refused.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Person
from articles.workflow import EDIT_PERMISSION, SIGN_OFF_PERMISSION, Actor, NotAllowed, StaleVersion, account, require
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
    return AnswerVersion.objects.create(
        question=question, number=number, answerer=answerer, body=body, created_by=account(user)
    )


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
    return version


def answer_sign_off_refusal(version: AnswerVersion, reviewer: Person | None, user: Actor) -> str:
    """Why this account may not sign off (or send back) this answer as `reviewer`; "" if it may."""
    if user is None or not user.has_perm(SIGN_OFF_PERMISSION):
        return "Only medical reviewers sign off answers."
    if reviewer is None or not reviewer.is_medical_reviewer:
        return "Answers are signed off by a medical reviewer."
    signer = account(user)
    if signer is not None:
        if reviewer.user_id != signer.pk or not reviewer.account_link_confirmed:
            return "You sign off only as the reviewer your account is linked to, once the link is confirmed."
        if signer.pk in (version.created_by_id, version.submitted_by_id):
            return "Nobody signs off an answer their account wrote or submitted."
    if reviewer.pk == version.answerer_id:
        return "Nobody signs off their own answer."
    return ""


def _check(version: AnswerVersion, reviewer: Person, user: Actor, seen_fingerprint: str) -> None:
    refusal = answer_sign_off_refusal(version, reviewer, user)
    if refusal:
        raise NotAllowed(refusal)
    if version.status != Status.SUBMITTED:
        raise NotAllowed("Only a submitted answer can be reviewed.")
    current = version.compute_fingerprint()
    if not (current == version.submitted_fingerprint == seen_fingerprint):
        raise StaleVersion("This answer changed after it was submitted or while you read it; reload it.")


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
        transaction.on_commit(lambda: _tell_the_asker(question))
    return version


def _tell_the_asker(question: Question) -> None:
    """The reader gave an address to be told when it is answered: one mail with the link."""
    from django.conf import settings

    from operations.mail import reader_mail

    url = settings.SPASMINFO_SITE_URL + question.get_absolute_url()
    reader_mail(
        subject=f"[{settings.SPASMINFO_SITE_NAME}] Your question was answered",
        text=(
            f"You asked: {question.text}\n\n"
            f"An expert answered it, and a medical reviewer signed the answer off:\n{url}\n"
        ),
        to=[question.email],
    ).send()


@transaction.atomic
def send_back_answer(*, version: AnswerVersion, reviewer: Person, comment: str, user: Actor) -> AnswerVersion:
    if not comment.strip():
        raise NotAllowed("Say what needs changing.")
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
