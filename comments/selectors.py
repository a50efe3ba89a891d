"""A version's comment threads, as the admin pages show them."""

from articles.models import ArticleVersion
from comments.models import ReviewComment

DRAFT_KEY = "comments.unsent"  # the session's copy of a comment the server refused, so nothing typed is lost


def thread_for(version: ArticleVersion) -> list[ReviewComment]:
    """Every comment on `version`, open ones first, each marked with whether its passage is still in the text."""
    comments = list(version.review_comments.thread())
    for comment in comments:
        comment.located = comment.position_in(version.body) is not None
    return sorted(comments, key=lambda comment: (not comment.is_open, comment.created_at))


def panel_context(request, version: ArticleVersion) -> dict:
    unsent = request.session.pop(DRAFT_KEY, None)
    if not isinstance(unsent, dict) or unsent.get("version") != version.pk:
        unsent = None
    return {
        "review_comments": thread_for(version),
        "comments_open": version.status in ArticleVersion.OPEN_STATUSES,
        "unsent_comment": unsent,
    }
