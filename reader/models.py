"""Readers' "Was this helpful?" votes: anonymous, one per browser per article.

Their table keeps the name it had when the model was the editorial core's (articles_helpfulvote):
the model moved apps, its rows did not (reader/migrations/0001_initial.py)."""

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article


class HelpfulVote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="helpful_votes")
    voter = models.CharField(
        max_length=64, editable=False, help_text="HMAC-SHA-256 of the browser's random voter token (never the token)."
    )
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "articles_helpfulvote"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "voter"], name="articles_one_vote_per_browser_per_article"),
        ]

    def __str__(self) -> str:
        return f"{'Helpful' if self.helpful else 'Not helpful'}: {self.article.slug}"


def _vote_count(helpful_only: bool):
    votes = HelpfulVote.objects.filter(article=OuterRef("pk"))
    if helpful_only:
        votes = votes.filter(helpful=True)
    counted = votes.order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_helpful_counts(queryset):
    """Annotate `helpful_yes` and `helpful_total` in the same query (no extra round trip)."""
    return queryset.annotate(helpful_yes=_vote_count(True), helpful_total=_vote_count(False))


class ArticleFeedback(Article):
    """Read-only admin view of helpful votes per article (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "helpful votes per article"
        verbose_name_plural = "helpful votes per article"


__all__ = ["ArticleFeedback", "HelpfulVote", "with_helpful_counts"]
