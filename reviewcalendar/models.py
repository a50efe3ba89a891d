"""The review calendar's rows: each reviewer's secret feed address (stored hashed), and a proxy that
puts "Review calendar" in the admin."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from articles.models import Article


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewerFeedQuerySet(models.QuerySet):
    def by_token(self, token: str):
        """The feed a token opens (its person a medical reviewer still), or None. One indexed lookup."""
        if not token or len(token) > 100:
            return None
        return (
            self.select_related("person").filter(token_hash=hash_token(token), person__is_medical_reviewer=True).first()
        )


class ReviewerFeed(models.Model):
    """A medical reviewer's iCalendar feed: one secret address, replaced when they reset it."""

    person = models.OneToOneField("articles.Person", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReviewerFeedQuerySet.as_manager()

    class Meta:
        verbose_name = "reviewer calendar feed"

    def __str__(self) -> str:
        return f"Calendar feed of {self.person.name}"

    @classmethod
    def reset_for(cls, person) -> str:
        """Give `person` a new secret address (the old one stops working) and return its token (shown once)."""
        token = secrets.token_urlsafe(32)
        cls.objects.update_or_create(
            person=person, defaults={"token_hash": hash_token(token), "created_at": timezone.now()}
        )
        return token


class ReviewCalendar(Article):
    """No table: the admin's "Review calendar" page (reviewcalendar/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = "review calendar"
        verbose_name_plural = "review calendar"
