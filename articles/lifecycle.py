"""An article's life beside its versions: take-down, archiving, assignment and review intervals.

    take_down_article        emergency: the live version leaves the public site (410) until a new sign-off
    archive_article          out of listings, search and the sitemap; still readable with a notice
    schedule_archive         archive automatically at a time (publish_due in services.py carries it out)
    restore_article          back into listings
    assign_reviewer          the one medical reviewer who may sign the article off
    set_review_interval      the months between reviews of an article or a topic's articles

Each step is atomic, checks the actor's permission and records an ArticleEvent
(the vocabulary is articles/workflow.py's); the version workflow is services.py.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from articles import notifications, signals
from articles.models import Article, ArticleEvent, Person
from articles.workflow import (
    SIGN_OFF_PERMISSION,
    Actor,
    NotAllowed,
    WorkflowError,
    lock_article,
    record,
    require,
)
from taxonomy.models import REVIEW_INTERVAL_MONTHS, Topic

Event = ArticleEvent.Kind


# --- emergency take-down -----------------------------------------------------------------------

TAKE_DOWN_PERMISSION = SIGN_OFF_PERMISSION  # medical reviewers (and superusers, who hold every permission)


def take_down_refusal(article: Article, user: Actor) -> str:
    """Why `user` may not take `article` down now ("" if they may): shown instead of the button."""
    if user is None or not user.has_perm(TAKE_DOWN_PERMISSION):
        return "Only a medical reviewer or a superuser can take an article down."
    if article.live_version_id is None and article.taken_down_at is None:
        return "This article is not on the public site, so there is nothing to take down."
    return ""


@transaction.atomic
def take_down_article(*, article: Article, user: Actor, reason: str) -> Article:
    """Withdraw a live article for medical review, at once.

    Readers get 410 Gone ("withdrawn for medical review") at its address instead of the
    text; it leaves every list, search, feed and sitemap (they all start from `live()`,
    which needs a live version) and the page cache. A go-live scheduled before the
    take-down is cancelled. The timeline records who and why. Only a new sign-off
    (`approve_version` of a version submitted again) brings the article back: neither a
    re-review nor *Restore* does, as there is no live version to confirm or restore.

    A taken-down article may be taken down again (a reviewer who still sees it somewhere, e.g.
    in a proxy that was down when the first one was sent): the caches are told once more and
    the timeline records it; nobody is mailed twice.
    """
    require(user, TAKE_DOWN_PERMISSION, "take articles down")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why: a reason is required to take an article down.")
    article = lock_article(article.pk)
    refusal = take_down_refusal(article, user)
    if refusal:
        raise WorkflowError(refusal)
    again = article.live_version_id is None
    version = article.live_version
    at = timezone.now()
    cancelled = article.scheduled_version
    article.live_version = None
    article.taken_down_at = at
    article.scheduled_version = None
    article.publish_at = None
    article.save(update_fields=["live_version", "taken_down_at", "scheduled_version", "publish_at"])
    record(article, Event.TAKEN_DOWN, user=user, version=version, comment=reason, at=at)
    signals.article_decided.send(sender=Article, article=article, user=user, decision="taken_down", comment=reason)
    if cancelled is not None:
        record(
            article,
            Event.SCHEDULED,
            user=user,
            version=cancelled,
            comment=f"Go-live of version {cancelled.number} cancelled by the take-down; it needs a new sign-off.",
            at=at,
        )
    if not again:
        notifications.article_taken_down(article, version, reason=reason, by=user)
    return article


# --- archiving and assignment ----------------------------------------------------


def assignment_refusal(article: Article, reviewer: Person | None) -> str:
    """Why `reviewer` cannot be assigned to `article` ("" if they can): an assigned reviewer
    who wrote the open version could never sign it off, and nobody else may."""
    if reviewer is None:
        return ""
    if not reviewer.is_medical_reviewer:
        return f"{reviewer.name} is not a medical reviewer."
    open_version = article.open_version() if article.pk else None
    if open_version is not None and open_version.author_links.filter(person=reviewer).exists():
        return (
            f"{reviewer.name} is an author of version {open_version.number}, so they could not sign it off "
            "and nobody else could: choose a reviewer who is not an author."
        )
    return ""


@transaction.atomic
def archive_article(*, article: Article, user: Actor, comment: str = "", at=None) -> Article:
    """Take an article out of listings, search and the sitemap; it stays readable with a notice."""
    require(user, "articles.change_article", "archive articles")
    article = lock_article(article.pk)
    if article.archived_at is not None:
        raise WorkflowError("This article is already archived.")
    article.archived_at = at or timezone.now()
    article.archive_at = None
    article.save(update_fields=["archived_at", "archive_at"])
    record(article, Event.ARCHIVED, user=user, comment=comment, at=article.archived_at)
    return article


@transaction.atomic
def schedule_archive(*, article: Article, archive_at: datetime.datetime | None, user: Actor) -> Article:
    """Set (or clear, with None) the time at which the article is archived automatically."""
    require(user, "articles.change_article", "schedule archiving")
    article = lock_article(article.pk)
    article.archive_at = archive_at
    article.save(update_fields=["archive_at"])
    note = f"To be archived at {archive_at:%Y-%m-%d %H:%M %Z}." if archive_at else "Scheduled archiving cancelled."
    record(article, Event.ARCHIVE_SCHEDULED, user=user, comment=note)
    return article


@transaction.atomic
def restore_article(*, article: Article, user: Actor, comment: str = "") -> Article:
    """Bring an archived article back into listings."""
    require(user, "articles.change_article", "restore articles")
    article = lock_article(article.pk)
    if article.archived_at is None:
        raise WorkflowError("This article is not archived.")
    article.archived_at = None
    article.save(update_fields=["archived_at"])
    record(article, Event.RESTORED, user=user, comment=comment)
    return article


@transaction.atomic
def assign_reviewer(*, article: Article, reviewer: Person | None, user: Actor) -> Article:
    require(user, "articles.change_article", "assign reviewers")
    article = lock_article(article.pk)
    refusal = assignment_refusal(article, reviewer)
    if refusal:
        raise NotAllowed(refusal)
    article.assigned_reviewer = reviewer
    article.save(update_fields=["assigned_reviewer"])
    record(article, Event.ASSIGNED, user=user, comment=f"Assigned to {reviewer.byline}." if reviewer else "Unassigned.")
    if reviewer is not None:
        notifications.reviewer_assigned(article, reviewer, user)
    return article


@transaction.atomic
def set_review_interval(*, target: Article | Topic, months: int | None, user: AbstractBaseUser | None) -> list[Article]:
    """Set the months between reviews of an article, or of a topic's articles (None: inherit).

    What readers are told about review ("Next review due") follows from it, so only a
    medical reviewer may change it, within 1 to 36 months, and each article it moves
    records the change in its timeline. Returns the articles whose interval changed.
    """
    require(user, SIGN_OFF_PERMISSION, "change review intervals")
    low, high = REVIEW_INTERVAL_MONTHS
    if months is not None and not low <= months <= high:
        raise WorkflowError(f"A review interval is {low} to {high} months; {months} is not.")
    target = type(target).objects.select_for_update().get(pk=target.pk)
    before = target.review_interval_months
    if before == months:
        return []
    is_article = isinstance(target, Article)
    affected = (
        Article.objects.filter(pk=target.pk) if is_article else target.articles.filter(review_interval_months=None)
    )
    old_dues = dict(affected.select_for_update().values_list("pk", "next_review_due"))
    target.review_interval_months = months
    target.save(update_fields=["review_interval_months"])
    where = "" if is_article else f" (topic {target.name})"
    articles = []
    for article_id, old_due in sorted(old_dues.items()):
        article = Article.objects.select_related("topic").get(pk=article_id)
        article.save(update_fields=["next_review_due"])
        articles.append(article)
        record(
            article,
            Event.INTERVAL_CHANGED,
            user=user,
            comment=f"Review interval{where}: {before or 'default'} → {months or 'default'} months; "
            f"next review due {old_due or '—'} → {article.next_review_due or '—'}.",
        )
    return articles
