"""The comments' section of the one inbox (`articles.inbox`): open review comments on the open
versions an editor worked on, clinical ones first (they hold the sign-off)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.inbox import Item, Section
from articles.models import ArticleVersion
from comments.models import ReviewComment


def open_comments_on_your_versions(*, user, limit: int = 30) -> Section:
    comments = (
        ReviewComment.objects.open()
        .filter(version__status__in=ArticleVersion.OPEN_STATUSES)
        .filter(Q(version__editors=user) | Q(version__created_by=user) | Q(version__submitted_by=user))
        .distinct()
        .select_related("version", "author")
        .order_by("-clinical", "created_at", "pk")[:limit]
    )
    return Section(
        key="comments",
        title="Open review comments on your versions",
        items=[
            Item(
                url=reverse("admin:articles_articleversion_change", args=[comment.version_id]) + "#review-comments",
                title=f"{comment.version.title} (v{comment.version.number})",
                detail=("clinical, holds the sign-off: " if comment.clinical else "")
                + f"{comment.by} on “{comment.quote[:60]}”, {timezone.localtime(comment.created_at):%d %b %Y}",
            )
            for comment in comments
        ],
        empty="No open comments.",
    )
