"""Topics ("filed under") and causes (django-taggit tags with a cause group)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from taggit.models import TagBase

from taxonomy.reviewed_text import ReviewedText

REVIEW_INTERVAL_MONTHS = (1, 36)  # bounds of any review interval, in months
review_interval_validators = [
    MinValueValidator(REVIEW_INTERVAL_MONTHS[0]),
    MaxValueValidator(REVIEW_INTERVAL_MONTHS[1]),
]


def _live_articles():
    from articles.models import Article

    return Article.objects.live()


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics a live article is filed under: the only ones any public page shows."""
        return self.filter(Exists(_live_articles().filter(topic=OuterRef("pk"))))


class CauseQuerySet(models.QuerySet):
    def public(self):
        """Causes a live article discusses: the only ones any public page shows.

        Asked as "the cause's newest link whose version is some live article's": a subquery per
        cause that walks the (cause, -id) index and looks each link up by the unique live_version
        index, stopping at the first. (As a plain EXISTS join, PostgreSQL hashed every article,
        60 ms for one cause at 100k articles, or read every link of each cause: 105 ms for the
        cause index.)"""
        live_links = self.model.version_links.rel.related_model.objects.filter(
            Exists(_live_articles().filter(live_version_id=OuterRef("content_object_id")))
        )
        newest = live_links.filter(tag=OuterRef("pk")).order_by("-pk").values("pk")[:1]
        return self.alias(newest_live_link=Subquery(newest)).filter(newest_live_link__isnull=False)


class CauseGroupQuerySet(models.QuerySet):
    def public(self):
        """Groups with at least one public cause."""
        return self.filter(Exists(Cause.objects.public().filter(group=OuterRef("pk"))))


class Topic(ReviewedText):
    REVIEWED_FIELDS = ("name", "description")
    SET_ON_CREATION = ("name",)

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=review_interval_validators,
        help_text="How often articles in this topic are reviewed (1 to 36 months). Empty: the site-wide default.",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__isnull=True)
                | Q(review_interval_months__gte=1, review_interval_months__lte=36),
                name="taxonomy_topic_review_interval_1_to_36",
                violation_error_message="A review interval is 1 to 36 months.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:topic_detail", kwargs={"slug": self.slug})


class CauseGroup(ReviewedText):
    """A heading under which causes are listed, e.g. "Neuromuscular conditions"."""

    REVIEWED_FIELDS = ("name", "description")
    SET_ON_CREATION = ("name",)

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page; lowest first.")

    objects = CauseGroupQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Cause(ReviewedText, TagBase):
    """A cause an article discusses. Names are unique regardless of case. Its name, group and
    description change only through a reviewer's sign-off (`taxonomy.reviewed_text`)."""

    REVIEWED_FIELDS = ("name", "group", "description")
    SET_ON_CREATION = ("name", "group")

    group = models.ForeignKey(CauseGroup, on_delete=models.PROTECT, related_name="causes")
    description = models.TextField(blank=True, max_length=500)

    objects = CauseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="taxonomy_cause_name_case_insensitive_unique",
                violation_error_message="A cause with this name already exists (names ignore case).",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:cause_detail", kwargs={"slug": self.slug})
