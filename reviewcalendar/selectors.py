"""What the review calendar shows: every go-live, archive and review-due date, from published articles.

Review-due dates belong to the reviewer responsible for the article (assigned, else the last to
review it: `ArticleQuerySet.with_responsible_reviewer`, the rule `review_due` uses); a scheduled
go-live belongs to the reviewer who signed the scheduled version off. Titles are signed-off ones
(the live version's, or the scheduled version's).
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.models import Article, Review
from articles.queues import HEAVY_VERSION_FIELDS

REVIEW_DUE, GO_LIVE, ARCHIVE = "review_due", "go_live", "archive"
LABELS = {REVIEW_DUE: "Review due", GO_LIVE: "Goes live", ARCHIVE: "Archived"}


@dataclass(frozen=True)
class Entry:
    kind: str
    day: datetime.date
    at: datetime.datetime | None  # the exact time, for go-lives and archiving
    article: Article
    title: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _light(queryset, *relations):
    return queryset.select_related("topic", *relations).defer(
        *(f"{relation}__{name}" for relation in relations for name in HEAVY_VERSION_FIELDS)
    )


def _signed_by():
    return Subquery(
        Review.objects.filter(version=OuterRef("scheduled_version"), outcome=Review.Outcome.APPROVED)
        .order_by("-created_at")
        .values("reviewer_id")[:1]
    )


def entries(
    start: datetime.date, end: datetime.date, *, reviewer=None, topic=None, kinds=(REVIEW_DUE, GO_LIVE, ARCHIVE)
) -> list[Entry]:
    """Every entry with a day in [start, end), by day. Three queries."""
    found: list[Entry] = []
    articles = Article.objects.all() if topic is None else Article.objects.filter(topic=topic)
    if REVIEW_DUE in kinds:
        due = articles.published().filter(next_review_due__gte=start, next_review_due__lt=end)
        due = due.responsible(reviewer) if reviewer is not None else due
        for article in _light(due, "live_version"):
            found.append(Entry(REVIEW_DUE, article.next_review_due, None, article, article.live_version.title))
    if GO_LIVE in kinds:
        scheduled = articles.filter(
            scheduled_version__isnull=False, publish_at__date__gte=start, publish_at__date__lt=end
        )
        if reviewer is not None:
            scheduled = scheduled.annotate(signed_by=_signed_by()).filter(signed_by=reviewer.pk)
        for article in _light(scheduled, "scheduled_version"):
            found.append(
                Entry(GO_LIVE, _day(article.publish_at), article.publish_at, article, article.scheduled_version.title)
            )
    if ARCHIVE in kinds:
        archiving = articles.published().filter(
            archived_at__isnull=True, archive_at__date__gte=start, archive_at__date__lt=end
        )
        archiving = archiving.responsible(reviewer) if reviewer is not None else archiving
        for article in _light(archiving, "live_version"):
            found.append(
                Entry(ARCHIVE, _day(article.archive_at), article.archive_at, article, article.live_version.title)
            )
    return sorted(
        found, key=lambda e: (e.day, e.at or datetime.datetime.min.replace(tzinfo=datetime.UTC), e.kind, e.article.slug)
    )


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def feed_entries(person) -> list[Entry]:
    """A reviewer's feed: every review due for articles they are responsible for (however overdue),
    and the go-lives they signed off, up to two years ahead."""
    horizon = timezone.localdate() + datetime.timedelta(days=731)
    return entries(datetime.date.min, horizon, reviewer=person, kinds=(REVIEW_DUE, GO_LIVE))
