from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.history import AppendOnlyModel


class ArticleEvent(AppendOnlyModel):
    """One transition in an article's life; the timeline on its admin page. Append-only."""

    history_noun = "A timeline event"

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        WITHDRAWN = "withdrawn", "Withdrawn from review"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Signed off"
        RE_REVIEWED = "re_reviewed", "Re-reviewed (still accurate)"
        SCHEDULED = "scheduled", "Scheduled to go live"
        WENT_LIVE = "went_live", "Went live"
        ARCHIVE_SCHEDULED = "archive_scheduled", "Scheduled to be archived"
        ARCHIVED = "archived", "Archived"
        RESTORED = "restored", "Restored"
        ASSIGNED = "assigned", "Reviewer assigned"
        INTERVAL_CHANGED = "interval_changed", "Review interval changed"
        TAKEN_DOWN = "taken_down", "Taken down (withdrawn for medical review)"
        PREVIEW_LINK_CREATED = "preview_link_created", "Expert preview link created"
        PREVIEW_LINK_VIEWED = "preview_link_viewed", "Expert preview viewed"
        PREVIEW_LINK_REVOKED = "preview_link_revoked", "Expert preview link revoked"
        EXPERT_COMMENT = "expert_comment", "Comment from an outside expert"
        ADDRESS_CHANGED = "address_changed", "Address changed"
        FILING_CHANGED = "filing_changed", "Topic or series changed (signed off)"
        FILING_DECLINED = "filing_declined", "Proposed topic or series declined"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        "articles.ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"], name="articles_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def actor_label(self) -> str:
        """Who acted, for the timeline: the account, an outside expert (through a preview link), or the system."""
        if self.user_id is not None:
            return str(self.user)
        if self.kind in (self.Kind.PREVIEW_LINK_VIEWED, self.Kind.EXPERT_COMMENT):
            return "outside expert"
        return "system"
