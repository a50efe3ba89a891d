"""Participation's sections of the one inbox (`articles.inbox`): expert answers for reviewers;
answers sent back and new readers' questions for editors."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.inbox import Item, Section
from participation.models import AnswerVersion, Question


def answers_to_review(*, user, person, limit: int = 50) -> Section:
    """Submitted answers this reviewer may sign off: not their own answer, not one their account
    created, edited or submitted; oldest first."""
    waiting = (
        AnswerVersion.objects.filter(status=AnswerVersion.Status.SUBMITTED)
        .exclude(answerer=person)
        .exclude(Q(created_by=user) | Q(submitted_by=user) | Q(editors=user))
        .select_related("question", "answerer")
        .order_by("submitted_at", "pk")[:limit]
    )
    return Section(
        key="answers",
        title="Expert answers awaiting your review",
        items=[
            Item(
                url=reverse("admin:participation_answer_review", args=[answer.pk]),
                title=f"“{answer.question.text}”",
                detail=f"answer v{answer.number} by {answer.answerer.name}, "
                f"submitted {timezone.localtime(answer.submitted_at):%d %b %Y}",
            )
            for answer in waiting
        ],
        empty="No answers are waiting for you.",
    )


def answers_sent_back(*, user, limit: int = 20) -> Section:
    """Answers this account wrote, edited or submitted that a reviewer sent back, with the comment."""
    sent_back = (
        AnswerVersion.objects.filter(status=AnswerVersion.Status.SENT_BACK)
        .filter(Q(created_by=user) | Q(submitted_by=user) | Q(editors=user))
        .distinct()
        .select_related("question")
        .prefetch_related("reviews__reviewer")
        .order_by("-pk")[:limit]
    )
    items = []
    for answer in sent_back:
        review = next(iter(answer.reviews.all()), None)
        items.append(
            Item(
                url=reverse("admin:participation_answerversion_change", args=[answer.pk]),
                title=f"“{answer.question.text}” (answer v{answer.number})",
                detail=f"“{review.comment}” ({review.reviewer.name})" if review else "",
            )
        )
    return Section(key="answers-sent-back", title="Answers sent back to you", items=items, empty="None.")


def new_questions(*, user, limit: int = 20) -> Section:
    """Readers' questions no editor has accepted or declined yet, oldest first."""
    waiting = Question.objects.filter(status=Question.Status.NEW).order_by("created_at", "pk")[:limit]
    return Section(
        key="questions",
        title="New questions from readers",
        items=[
            Item(
                url=reverse("admin:participation_question_change", args=[question.pk]),
                title=f"“{question.text}”",
                detail=f"asked {timezone.localtime(question.created_at):%d %b %Y}",
            )
            for question in waiting
        ],
        empty="No new questions.",
    )
