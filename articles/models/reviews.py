from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.history import AppendOnlyError, AppendOnlyModel

__all__ = ["AppendOnlyError", "Review"]  # AppendOnlyError lives in history.py; importable here as before


class Review(AppendOnlyModel):
    """A medical reviewer's decision on a submitted version. Append-only."""

    history_noun = "A review record"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Signed off"
        SENT_BACK = "sent_back", "Sent back"
        CONFIRMED = "confirmed", "Re-reviewed, still accurate"

    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reviewer = models.ForeignKey("articles.Person", on_delete=models.PROTECT, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account that recorded the decision; empty for imported history.",
    )
    comment = models.TextField(blank=True)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of exactly the content the reviewer saw and decided on."
    )
    content_shown = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Send-backs only: the content the comment was about (articles.diffing.comparable), so the "
        "version, once resubmitted, opens on what changed since.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.reviewer.name} on {self.created_at:%Y-%m-%d}"
