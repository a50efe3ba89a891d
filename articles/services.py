"""Editorial workflow: every multi-step write an article goes through.

The admin, management commands and tests all call these functions; each is
atomic and checks its own rules, so a rule holds whatever the caller.

    create_article ──> draft ──submit_version──> submitted ──approve_version──> signed off (live)
                         ^  \\                       │  \\
                         │   └──────withdraw────────┘   └─send_back_version─> sent back ──submit──> ...
        start_draft (copies the live version) ────────────────────────────────────────────^
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from articles.derived import freeze_derived_content
from articles.models import (
    Article,
    ArticleVersion,
    FaqEntry,
    Person,
    Reference,
    Review,
    VersionAuthor,
    VersionCause,
)
from articles.rendering import cited_numbers

SIGN_OFF_PERMISSION = "articles.sign_off_articleversion"
EDIT_PERMISSION = "articles.change_articleversion"

Status = ArticleVersion.Status


class WorkflowError(Exception):
    """A workflow step that cannot happen; the message is meant for the person who tried."""


class NotAllowed(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    pass


class IncompleteVersion(WorkflowError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("This version is not ready for review: " + "; ".join(problems))


def _lock(version: ArticleVersion) -> ArticleVersion:
    """Re-read the version under a row lock, so concurrent steps queue up."""
    return ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)


def _require(user: AbstractBaseUser | None, permission: str, action: str) -> None:
    if user is not None and not user.has_perm(permission):
        raise NotAllowed(f"You do not have permission to {action}.")


@transaction.atomic
def create_article(*, article: Article, title: str, user: AbstractBaseUser | None, summary: str = "") -> ArticleVersion:
    """Save a new (unsaved) article and give it an empty first draft."""
    _require(user, "articles.add_article", "create articles")
    if article.pk is not None:
        raise WorkflowError("This article already exists.")
    article.created_by = user
    article.save()
    return ArticleVersion.objects.create(article=article, number=1, title=title, summary=summary, created_by=user)


def _copy_content(source: ArticleVersion, target: ArticleVersion) -> None:
    VersionAuthor.objects.bulk_create(
        VersionAuthor(version=target, person_id=link.person_id, position=link.position)
        for link in source.author_links.all()
    )
    VersionCause.objects.bulk_create(
        VersionCause(content_object=target, tag_id=link.tag_id) for link in source.cause_links.all()
    )
    Reference.objects.bulk_create(
        Reference(version=target, **{f: getattr(ref, f) for f in Reference.SNAPSHOT_FIELDS}, accessed=ref.accessed)
        for ref in source.references.all()
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(version=target, question=e.question, answer=e.answer, position=e.position)
        for e in source.faq_entries.all()
    )


@transaction.atomic
def start_draft(*, article: Article, user: AbstractBaseUser | None) -> ArticleVersion:
    """The article's open version; if it has none, a new draft copied from the live
    (or latest) version with its authors, causes, references and FAQ.

    Readers keep seeing the live version until the new draft is signed off.
    """
    _require(user, EDIT_PERMISSION, "edit articles")
    article = Article.objects.select_for_update().get(pk=article.pk)
    existing = article.open_version()
    if existing is not None:
        return existing
    source = article.live_version or article.versions.order_by("-number").first()
    latest_number = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = ArticleVersion.objects.create(
        article=article,
        number=latest_number + 1,
        based_on=source,
        title=source.title if source else "",
        summary=source.summary if source else "",
        body=source.body if source else "",
        image_credits=source.image_credits if source else "",
        created_by=user,
    )
    if source is not None:
        _copy_content(source, draft)
    return draft


def readiness_problems(version: ArticleVersion) -> list[str]:
    """What must be fixed before a reviewer can be asked to sign the version off."""
    problems = []
    if not version.title.strip():
        problems.append("it needs a title")
    if not version.summary.strip():
        problems.append("it needs a summary")
    if not version.body.strip():
        problems.append("it needs a body")
    if not version.author_links.exists():
        problems.append("it needs at least one author")
    numbers = list(version.references.order_by("number").values_list("number", flat=True))
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"references must be numbered 1 to {len(numbers)} without gaps (found {numbers})")
    texts = [version.body, *version.faq_entries.values_list("answer", flat=True)]
    missing = sorted({n for text in texts for n in cited_numbers(text)} - set(numbers))
    if missing:
        problems.append("the text cites reference " + ", ".join(f"[{n}]" for n in missing) + " which does not exist")
    return problems


@transaction.atomic
def submit_version(*, version: ArticleVersion, user: AbstractBaseUser | None) -> ArticleVersion:
    """Send a draft (or a sent-back version) to the medical reviewers, fingerprinting it."""
    _require(user, EDIT_PERMISSION, "submit articles for review")
    version = _lock(version)
    if not version.is_editable:
        raise WorkflowError(
            f"Only a draft or a sent-back version can be submitted; this one is {version.get_status_display().lower()}."
        )
    problems = readiness_problems(version)
    if problems:
        raise IncompleteVersion(problems)
    version.status = Status.SUBMITTED
    version.submitted_at = timezone.now()
    version.submitted_by = user
    version.submitted_fingerprint = version.compute_fingerprint()
    version.save()
    return version


@transaction.atomic
def withdraw_version(*, version: ArticleVersion, user: AbstractBaseUser | None) -> ArticleVersion:
    """Take a submitted version back to draft so it can be edited again."""
    _require(user, EDIT_PERMISSION, "withdraw versions")
    version = _lock(version)
    if version.status != Status.SUBMITTED:
        raise WorkflowError("Only a version awaiting review can be withdrawn.")
    version.status = Status.DRAFT
    version.submitted_fingerprint = ""
    version.save()
    return version


def _check_reviewer(version: ArticleVersion, reviewer: Person, user: AbstractBaseUser | None) -> None:
    _require(user, SIGN_OFF_PERMISSION, "review articles")
    if user is not None and getattr(user, "person", None) != reviewer:
        raise NotAllowed("You can only record a review under your own name; link your account to your person profile.")
    if not reviewer.is_medical_reviewer:
        raise NotAllowed(f"{reviewer.name} is not a medical reviewer.")
    if version.author_links.filter(person=reviewer).exists():
        raise NotAllowed(f"{reviewer.name} is an author of this version and cannot review it.")


def _check_unchanged(version: ArticleVersion, seen_fingerprint: str) -> str:
    current = version.compute_fingerprint()
    if current != version.submitted_fingerprint:
        raise StaleVersion("This version was changed after it was submitted; it must be submitted again before review.")
    if seen_fingerprint != current:
        raise StaleVersion("This version changed while you were reading it. Reload it and review what is there now.")
    return current


@transaction.atomic
def approve_version(
    *,
    version: ArticleVersion,
    reviewer: Person,
    seen_fingerprint: str,
    user: AbstractBaseUser | None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Review:
    """Sign off exactly the content the reviewer saw and make it the live version.

    `user` is the signed-in account (None only for imported history); it must
    belong to `reviewer`. `seen_fingerprint` is the fingerprint of the content
    shown to the reviewer: if the version changed since, nothing is approved.
    """
    version = _lock(version)
    _check_reviewer(version, reviewer, user)
    if version.status != Status.SUBMITTED:
        raise WorkflowError(
            f"Only a version awaiting review can be signed off; this one is {version.get_status_display().lower()}."
        )
    fingerprint = _check_unchanged(version, seen_fingerprint)
    at = at or timezone.now()

    freeze_derived_content(version)
    version.status = Status.APPROVED
    version.save()

    review = Review.objects.create(
        version=version,
        outcome=Review.Outcome.APPROVED,
        reviewer=reviewer,
        user=user,
        comment=comment,
        fingerprint=fingerprint,
        created_at=at,
    )
    article = Article.objects.select_for_update().get(pk=version.article_id)
    article.live_version = version
    article.first_published_at = article.first_published_at or at
    article.last_reviewed_at = at
    article.last_reviewed_by = reviewer
    article.save()
    return review


@transaction.atomic
def send_back_version(
    *,
    version: ArticleVersion,
    reviewer: Person,
    comment: str,
    user: AbstractBaseUser | None,
    seen_fingerprint: str = "",
) -> Review:
    """Return a submitted version to its editors with the reviewer's comments."""
    version = _lock(version)
    _check_reviewer(version, reviewer, user)
    if version.status != Status.SUBMITTED:
        raise WorkflowError("Only a version awaiting review can be sent back.")
    if not comment.strip():
        raise WorkflowError("Say what needs to change: a comment is required to send a version back.")
    review = Review.objects.create(
        version=version,
        outcome=Review.Outcome.SENT_BACK,
        reviewer=reviewer,
        user=user,
        comment=comment.strip(),
        fingerprint=seen_fingerprint or version.submitted_fingerprint,
    )
    version.status = Status.SENT_BACK
    version.save()
    return review
