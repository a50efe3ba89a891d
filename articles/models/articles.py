"""An article's stable identity; its content lives in versions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from articles.dates import add_months
from taxonomy.models import review_interval_validators
from taxonomy.reviewed_text import ReviewedText


class Series(ReviewedText):
    """Multi-part articles ("Part 3 of 3"). Its name and description are reviewed text."""

    REVIEWED_FIELDS = ("name", "description")
    SET_ON_CREATION = ("name",)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name


def live_content_prefetches() -> list:
    """The live version's parts a page shows (authors, causes, references, FAQ, pictures), one
    query each: for `with_live_content`, or for articles already loaded (`prefetch_related_objects`,
    reader.fragments, which reads them only when its cache misses)."""
    from articles.models import Reference, VersionAuthor, VersionCause
    from images.models import VersionImage

    return [
        Prefetch(
            "live_version__author_links",
            queryset=VersionAuthor.objects.select_related("person").order_by("position", "id"),
        ),
        Prefetch(
            "live_version__cause_links",
            queryset=VersionCause.objects.select_related("tag__group").order_by("tag__group__position", "tag__name"),
        ),
        Prefetch("live_version__references", queryset=Reference.objects.order_by("number")),
        "live_version__faq_entries",
        Prefetch(
            "live_version__image_links", queryset=VersionImage.objects.select_related("image").order_by("position")
        ),
    ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles with a signed-off live version, whatever the overdue policy (editorial view)."""
        return self.filter(live_version__isnull=False, live_version__status="approved")

    def live(self):
        """Articles a reader may open: the one visibility rule every public route uses.

        An article is live when it points at a signed-off version, unless the site
        takes overdue articles down (OVERDUE_POLICY=hide) and it is overdue.
        Archived articles stay readable at their URL (with a notice) but leave
        listings: see `listed()`.
        """
        articles = self.published()
        if settings.SPASMINFO_OVERDUE_POLICY == "hide":
            articles = articles.filter(next_review_due__gte=timezone.localdate())
        return articles

    def taken_down(self):
        """Articles withdrawn for medical review (lifecycle.take_down_article): readers get a 410
        at their address until a reviewer signs off a version again."""
        return self.filter(taken_down_at__isnull=False, live_version__isnull=True)

    def listed(self):
        """Live articles that appear in lists, feeds and the sitemap."""
        return self.live().filter(archived_at__isnull=True)

    def with_live_content(self):
        """Everything an article page or card shows, in a fixed number of queries."""
        return self.select_related("live_version", "topic", "series", "last_reviewed_by").prefetch_related(
            *live_content_prefetches()
        )

    def with_review_history(self):
        """Prefetch what `articles.review_history.review_history(article)` reads (two queries for any number)."""
        from articles.review_history import prefetch

        return self.prefetch_related(prefetch())

    def overdue(self, today: datetime.date | None = None):
        """Published articles past their next review date."""
        return self.published().filter(next_review_due__lt=today or timezone.localdate())

    def due_soon(self, today: datetime.date | None = None, window_days: int | None = None):
        """Published articles whose review falls due within the window (today included)."""
        today = today or timezone.localdate()
        window = window_days if window_days is not None else settings.SPASMINFO_REVIEW_DUE_SOON_DAYS
        return self.published().filter(
            next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(days=window)
        )

    def never_reviewed(self):
        return self.filter(last_reviewed_at__isnull=True)

    def with_responsible_reviewer(self):
        """Annotate `responsible_reviewer_id`: who is expected to review the article next, the
        assigned reviewer, else the last one to review it (None: nobody yet). The one spelling
        of that rule, used by the admin's reviewer filter and the reviewers' queues."""
        return self.annotate(
            responsible_reviewer_id=Coalesce(
                "assigned_reviewer", "last_reviewed_by", output_field=models.BigIntegerField()
            )
        )

    def responsible(self, person, *, or_nobody: bool = False):
        """Articles `person` is responsible for (`or_nobody`: also those nobody is responsible for yet)."""
        mine = Q(responsible_reviewer_id=person.pk)
        return self.with_responsible_reviewer().filter(
            mine | Q(responsible_reviewer_id__isnull=True) if or_nobody else mine
        )


class Article(ReviewedText):
    # Where readers find it filed. Once the article has been published, a change is a proposal a
    # medical reviewer signs off (`articles.supporting_text`), recorded on the timeline; before
    # that, the first version's sign-off covers it (its snapshot names the topic and series).
    REVIEWED_FIELDS = ("topic", "series", "part_number")
    SET_ON_CREATION = REVIEWED_FIELDS

    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the address: the slug night-leg-cramps gives /articles/night-leg-cramps/. "
        "Lower-case letters, digits and hyphens.",
    )
    topic = models.ForeignKey(
        "taxonomy.Topic", on_delete=models.PROTECT, related_name="articles", help_text="Filed under."
    )
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    part_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Part N of the series.")
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=review_interval_validators,
        help_text="Months between medical reviews (1 to 36). Empty: the topic's, else the site default. "
        "Changed by a medical reviewer (Change review interval), recorded in the timeline.",
    )
    assigned_reviewer = models.ForeignKey(
        "articles.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_articles",
        limit_choices_to={"is_medical_reviewer": True},
        help_text="Only this reviewer signs off the article's versions. Empty: any medical reviewer.",
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the article was taken out of listings."
    )
    archive_at = models.DateTimeField(
        null=True, blank=True, help_text="Archive the article automatically at this date and time."
    )
    taken_down_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a medical reviewer withdrew the article for medical review (emergency take-down): "
        "it has no live version until a new sign-off; readers get 410 Gone.",
    )
    # A signed-off version waiting for its go-live time (set by articles.services).
    scheduled_version = models.OneToOneField(
        "articles.ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    publish_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Maintained only by articles.services when a reviewer signs off.
    live_version = models.OneToOneField(
        "articles.ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        "articles.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # How many times a version of it was signed off, counted at each sign-off (articles/sign_offs.py):
    # the home page's "most reviewed" reads it instead of counting every review of the site.
    sign_offs = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        indexes = [
            # review_due, the reviewers' "overdue" and "due soon" queues and the admin's review-due
            # filter select and order by the due date (docs/PERFORMANCE.md).
            models.Index(fields=["next_review_due"], name="articles_article_due_idx"),
            models.Index(fields=["topic", "-id"], name="articles_topic_recent"),  # related articles
            # a reviewer's page: the articles they last signed off, most recent first
            models.Index(fields=["last_reviewed_by", "-last_reviewed_at"], name="articles_reviewer_recent"),
            # what was withdrawn lately, read by every process once a second (pagecache/withdrawn.py)
            models.Index(fields=["taken_down_at"], name="articles_taken_down_at"),
            models.Index(fields=["archived_at"], name="articles_archived_at"),
            models.Index(fields=["-sign_offs", "-last_reviewed_at", "slug"], name="articles_most_reviewed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "part_number"],
                condition=Q(series__isnull=False),
                name="articles_one_article_per_series_part",
                violation_error_message="Another article already has this part number in this series: "
                "choose another part number.",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__isnull=True)
                | Q(review_interval_months__gte=1, review_interval_months__lte=36),
                name="articles_review_interval_1_to_36",
                violation_error_message="A review interval is 1 to 36 months.",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True, part_number__isnull=True)
                | Q(series__isnull=False, part_number__isnull=False),
                name="articles_series_and_part_together",
                violation_error_message="A series needs a part number, and a part number needs a series.",
            ),
        ]

    def __str__(self) -> str:
        # The stable identity, with no query: admin lists print one per row (titles live in versions).
        return self.slug

    def withdrawn_version(self):
        """The version readers last saw before an emergency take-down (None unless taken down)."""
        if self.taken_down_at is None:
            return None
        event = self.events.filter(kind="taken_down", version__isnull=False).order_by("-created_at", "-pk").first()
        return event.version if event else None

    def needs_review(self) -> bool:
        """Refiling waits for a sign-off once readers have seen the article filed somewhere."""
        return self.first_published_at is not None

    def text_decided(self, *, user, approved: bool, comment: str) -> None:
        from articles.models import ArticleEvent
        from articles.workflow import record

        kind = ArticleEvent.Kind.FILING_CHANGED if approved else ArticleEvent.Kind.FILING_DECLINED
        record(self, kind, user=user, comment=comment)

    def current_title(self) -> str:
        """The reader-facing title if live, else the newest version's (a query or two: for
        messages about one article, never for lists)."""
        version = self.live_version if self.live_version_id else self.versions.order_by("-number").first()
        return version.title if version else self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._saved_slug = article.__dict__.get("slug")
        return article

    def clean(self):
        from articles.models import ArticleRedirect

        super().clean()
        if self.series_id and self.part_number:
            other = Article.objects.filter(series_id=self.series_id, part_number=self.part_number).exclude(pk=self.pk)
            other = other.first()
            if other is not None:  # said in words, naming the article (the constraint would name itself)
                raise ValidationError(
                    {
                        "part_number": f"“{self.series}” already has a part {self.part_number}: "
                        f"“{other.current_title()}”. Choose another part number."
                    }
                )
        taken = ArticleRedirect.objects.filter(old_slug=self.slug).exclude(article_id=self.pk).first()
        if self.slug and taken is not None:
            raise ValidationError(
                {
                    "slug": f"/articles/{self.slug}/ is an earlier address of “{taken.article.current_title()}” "
                    "and redirects there. Choose another slug, or remove that redirect first under Article redirects."
                }
            )

    def save(self, *args, **kwargs):
        self.next_review_due = self.compute_next_review_due()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "next_review_due"}
        previous_slug = getattr(self, "_saved_slug", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous_slug and previous_slug != self.slug and self.first_published_at is not None:
                self._keep_old_address(previous_slug)
        self._saved_slug = self.slug

    def _keep_old_address(self, old_slug: str) -> None:
        """A published article moved: its old address redirects here (the article, so every
        earlier slug follows it without chains); an earlier slug taken back stops redirecting."""
        from articles.models import ArticleRedirect

        ArticleRedirect.objects.filter(article=self, old_slug=self.slug).delete()
        ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})

    def get_absolute_url(self) -> str:
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    @property
    def is_taken_down(self) -> bool:
        return self.taken_down_at is not None and self.live_version_id is None

    @property
    def review_interval(self) -> int:
        """Effective months between reviews: the article's, else its topic's, else the site's."""
        return (
            self.review_interval_months
            or (self.topic.review_interval_months if self.topic_id else None)
            or settings.SPASMINFO_DEFAULT_REVIEW_INTERVAL_MONTHS
        )

    @property
    def is_overdue(self) -> bool:
        """Past its next review date (live articles only)."""
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def is_due_soon(self) -> bool:
        if self.next_review_due is None or self.is_overdue:
            return False
        window = datetime.timedelta(days=settings.SPASMINFO_REVIEW_DUE_SOON_DAYS)
        return self.next_review_due <= timezone.localdate() + window

    def compute_next_review_due(self) -> datetime.date | None:
        if self.last_reviewed_at is None:
            return None
        reviewed_on = timezone.localdate(self.last_reviewed_at)
        return add_months(reviewed_on, self.review_interval)

    def open_version(self):
        """The draft, sent-back or submitted version, if any (there is at most one)."""
        return self.versions.filter(status__in=self.versions.model.OPEN_STATUSES).first()

    def part_label(self) -> str:
        if self.series_id is None:
            return ""
        return f"Part {self.part_number}"
