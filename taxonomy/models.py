"""Topics ("filed under") and causes (django-taggit tags with a cause group)."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from taggit.models import TagBase


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How often articles in this topic are reviewed. Empty: the site-wide default.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:topic_detail", kwargs={"slug": self.slug})


class CauseGroup(models.Model):
    """A heading under which causes are listed, e.g. "Neuromuscular conditions"."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page; lowest first.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Cause(TagBase):
    """A cause an article discusses. Names are unique regardless of case."""

    group = models.ForeignKey(CauseGroup, on_delete=models.PROTECT, related_name="causes")
    description = models.TextField(blank=True, max_length=500)

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
