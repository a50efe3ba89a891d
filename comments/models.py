"""Review comments on a version's text, each anchored to a passage (comments/anchoring.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from comments.anchoring import MAX_QUOTE, locate


class ReviewCommentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def clinical(self):
        return self.filter(clinical=True)

    def thread(self):
        return self.select_related("author", "resolved_by").prefetch_related("replies__author")


class ReviewComment(models.Model):
    """A reviewer's (or an outside expert's) comment on a passage of a version's body.

    A clinical comment holds the sign-off while it is open. Kept with the version after sign-off
    (the version's record, for editors and reviewers); never shown to readers."""

    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.CASCADE, related_name="review_comments")
    quote = models.TextField(max_length=MAX_QUOTE, help_text="The passage commented on, as it was.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    text = models.TextField(max_length=5000)
    clinical = models.BooleanField(
        default=False, help_text="A clinical concern: the version cannot be signed off while it is open."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expert_name = models.CharField(
        max_length=80, blank=True, help_text="An outside expert's own name (through a preview link)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.by} on “{self.quote[:40]}”"

    @property
    def by(self) -> str:
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return f"{self.expert_name} (outside expert)" if self.expert_name else "someone"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def position_in(self, text: str) -> tuple[int, int] | None:
        """Where the passage is in `text` now (None: it was changed or removed)."""
        return locate(text, self.quote, self.prefix, self.suffix)


class CommentReply(models.Model):
    comment = models.ForeignKey(ReviewComment, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "comment replies"

    def __str__(self) -> str:
        return f"Reply to #{self.comment_id}"
