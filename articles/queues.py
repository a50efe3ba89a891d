"""Who has what to do: the editorial queues behind the admin dashboard and `review_due`."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from articles.citing import with_link_problem_counts
from articles.models import Article, ArticleEvent, ArticleVersion, Person, VersionAuthor

Status = ArticleVersion.Status
# Large version fields that lists of articles never show.
HEAVY_VERSION_FIELDS = (
    "body",
    "body_html",
    "toc",
    "citation_backlinks",
    "search_causes",
    "search_text",
)


def drafts_of(user) -> QuerySet[ArticleVersion]:
    """Drafts the user started, most recently touched first."""
    return (
        ArticleVersion.objects.filter(status=Status.DRAFT, created_by=user)
        .select_related("article")
        .order_by("-updated_at")
    )


def sent_back_to(user) -> QuerySet[ArticleVersion]:
    """Versions the user started or submitted that a reviewer sent back."""
    return (
        ArticleVersion.objects.filter(Q(created_by=user) | Q(submitted_by=user), status=Status.SENT_BACK)
        .select_related("article")
        .prefetch_related("reviews__reviewer")
        .order_by("-updated_at")
        .distinct()
    )


def awaiting_review_by(person: Person) -> QuerySet[ArticleVersion]:
    """Submitted versions this reviewer may sign off: assigned to them or unassigned,
    not written by them; oldest first."""
    return (
        ArticleVersion.objects.awaiting_review()
        .filter(Q(article__assigned_reviewer=person) | Q(article__assigned_reviewer__isnull=True))
        .exclude(author_links__person=person)
        .select_related("article")
    )


def needing_a_reviewer_who_is_not_an_author() -> QuerySet[ArticleVersion]:
    """Open versions nobody may sign off: the assigned reviewer is one of their authors, or,
    unassigned, every medical reviewer who can sign in is. The editors' queue lists them so
    they do not wait for ever; the fix is to assign (or add) a reviewer who is not an author."""
    authored_by = VersionAuthor.objects.filter(version=OuterRef(OuterRef("pk")), person=OuterRef("pk"))
    free_reviewers = Person.objects.filter(is_medical_reviewer=True, user__is_active=True).exclude(Exists(authored_by))
    assigned_is_author = VersionAuthor.objects.filter(
        version=OuterRef("pk"), person=OuterRef("article__assigned_reviewer")
    )
    return (
        ArticleVersion.objects.filter(status__in=ArticleVersion.OPEN_STATUSES)
        .filter(Q(Exists(assigned_is_author)) | Q(article__assigned_reviewer__isnull=True) & ~Q(Exists(free_reviewers)))
        .select_related("article__assigned_reviewer")
        .order_by("article__slug")
    )


def overdue_for(person: Person, today: datetime.date | None = None) -> QuerySet[Article]:
    """Overdue articles for this reviewer, with the dead and redirected links of their live version."""
    return with_link_problem_counts(
        Article.objects.overdue(today)
        .responsible(person, or_nobody=True)
        .select_related("live_version")
        .order_by("next_review_due")
    )


def due_soon_for(person: Person, today: datetime.date | None = None) -> QuerySet[Article]:
    """Articles due soon for this reviewer, with the dead and redirected links of their live version."""
    return with_link_problem_counts(
        Article.objects.due_soon(today)
        .responsible(person, or_nobody=True)
        .select_related("live_version")
        .order_by("next_review_due")
    )


@dataclass(frozen=True)
class DueArticle:
    """One line of the review-due list: what `review_due` prints and the digest links to."""

    pk: int
    slug: str
    title: str
    next_review_due: datetime.date

    def get_absolute_url(self) -> str:
        return Article(slug=self.slug).get_absolute_url()


@dataclass
class ReviewerDue:
    reviewer: Person | None  # None: nobody is responsible yet
    overdue: list[DueArticle] = field(default_factory=list)
    due_soon: list[DueArticle] = field(default_factory=list)


def review_due_by_reviewer(today: datetime.date | None = None, window_days: int | None = None) -> list[ReviewerDue]:
    """Articles due soon and overdue, grouped by the reviewer responsible for each
    (assigned, else the last to review it); two queries whatever the number of articles.

    The articles are read as plain rows (`DueArticle`), not model instances: a large backlog
    is tens of thousands of lines (26,527 at 100k synthetic articles), and building an article,
    its version and two people with their accounts for each took most of the command's time."""
    today = today or timezone.localdate()
    window = settings.SPASMINFO_REVIEW_DUE_SOON_DAYS if window_days is None else window_days
    horizon = today + datetime.timedelta(days=window)
    rows = (
        Article.objects.published()
        .with_responsible_reviewer()
        .filter(next_review_due__lte=horizon)
        .order_by("next_review_due", "slug")
        .values_list("responsible_reviewer_id", "pk", "slug", "live_version__title", "next_review_due")
    )
    groups: dict[int | None, ReviewerDue] = {}
    for reviewer_id, *line in rows:
        article = DueArticle(*line)
        group = groups.setdefault(reviewer_id, ReviewerDue(None))
        (group.overdue if article.next_review_due < today else group.due_soon).append(article)
    people = Person.objects.select_related("user").in_bulk([pk for pk in groups if pk is not None])
    for reviewer_id, group in groups.items():
        group.reviewer = people.get(reviewer_id)
    return sorted(groups.values(), key=lambda g: (g.reviewer is None, g.reviewer.name if g.reviewer else ""))


def reported_by_readers() -> QuerySet[Article]:
    """Published articles with open readers' reports ("Report a problem with this page",
    participation.Report), the longest-waiting first, each with `open_reports` and
    `first_reported_at`: a report can bring a review forward."""
    from django.db.models import Count, Min

    open_reports = Q(reader_reports__status="open")
    return (
        Article.objects.published()
        .filter(open_reports)
        .annotate(
            open_reports=Count("reader_reports", filter=open_reports),
            first_reported_at=Min("reader_reports__created_at", filter=open_reports),
        )
        .select_related("live_version")
        .defer(*(f"live_version__{name}" for name in HEAVY_VERSION_FIELDS))
        .order_by("first_reported_at", "pk")
    )


def taken_down() -> QuerySet[Article]:
    """Articles withdrawn for medical review (emergency take-down), the longest-waiting first, each
    with `take_down_reason` (the timeline's why): they come back only with a new sign-off."""
    reason = (
        ArticleEvent.objects.filter(article=OuterRef("pk"), kind=ArticleEvent.Kind.TAKEN_DOWN)
        .order_by("-created_at", "-pk")
        .values("comment")[:1]
    )
    return Article.objects.taken_down().annotate(take_down_reason=Subquery(reason)).order_by("taken_down_at", "pk")
