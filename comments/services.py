"""Commenting on a passage, replying, resolving.

An open clinical comment holds the sign-off: `open_clinical_concerns`, added to `articles.signoff`
from this app's ready()."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import notifications
from articles.models import ArticleVersion
from articles.workflow import EDIT_PERMISSION, NotAllowed, WorkflowError, require
from comments.anchoring import MAX_QUOTE, anchor
from comments.models import CommentReply, ReviewComment

VIEW_PERMISSION = "articles.view_articleversion"
MAX_TEXT = 5000


def _clean(text: str, what: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"Write the {what}.")
    if len(text) > limit:
        raise WorkflowError(f"The {what} is {len(text)} characters long; at most {limit} fit.")
    return text


def _open(version: ArticleVersion) -> None:
    if version.status not in ArticleVersion.OPEN_STATUSES:
        raise NotAllowed("Only a draft or a version awaiting review takes comments; this one is signed off.")


def _version_url(version: ArticleVersion) -> str:
    return reverse("admin:articles_articleversion_change", args=[version.pk]) + "#review-comments"


@transaction.atomic
def add_comment(
    *,
    version: ArticleVersion,
    quote: str,
    text: str,
    clinical: bool = False,
    prefix: str = "",
    suffix: str = "",
    user: AbstractBaseUser | None = None,
    expert_name: str = "",
) -> ReviewComment:
    """A comment on the passage `quote` of the version's body, by an account (`user`) or an outside
    expert through a preview link (`expert_name`; the caller checked the link). The passage must be in
    the text now; `prefix`/`suffix` pick which occurrence when it appears more than once."""
    if user is not None:
        require(user, VIEW_PERMISSION, "comment on versions")
    elif not expert_name.strip():
        raise WorkflowError("Give your name.")
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _open(version)
    quote = _clean(quote, "passage you comment on", MAX_QUOTE)
    found = anchor(version.body, quote, prefix[-64:], suffix[:64]) or anchor(version.body, quote.strip())
    if found is None:
        raise WorkflowError("That passage is not in the text as it is now: select it again in the current text.")
    comment = ReviewComment.objects.create(
        version=version,
        quote=found.quote,
        prefix=found.prefix,
        suffix=found.suffix,
        text=_clean(text, "comment"),
        clinical=clinical,
        author=user,
        expert_name=expert_name.strip()[:80],
    )
    kind = "A clinical concern" if clinical else "A comment"
    notifications.to_accounts(
        version.editors.exclude(pk=getattr(user, "pk", None)),
        f"{kind} on “{version.title}”",
        lines=[
            f"{comment.by} commented on version {version.number} of “{version.title}”, on the passage:",
            f"“{comment.quote[:300]}”",
            comment.text,
            *(["It holds the sign-off until an editor resolves it."] if clinical else []),
        ],
        link=_version_url(version),
        link_label="Open the version and its comments",
    )
    return comment


@transaction.atomic
def reply(*, comment: ReviewComment, user: AbstractBaseUser, text: str) -> CommentReply:
    require(user, VIEW_PERMISSION, "reply to comments")
    _open(comment.version)
    return CommentReply.objects.create(comment=comment, author=user, text=_clean(text, "reply"))


@transaction.atomic
def resolve(*, comment: ReviewComment, user: AbstractBaseUser) -> ReviewComment:
    """Close the thread: by an editor, or by whoever wrote the comment."""
    if comment.author_id != getattr(user, "pk", None):
        require(user, EDIT_PERMISSION, "resolve comments")
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    _open(comment.version)
    if comment.resolved_at is not None:
        raise NotAllowed("This comment is already resolved.")
    comment.resolved_at, comment.resolved_by = timezone.now(), user
    comment.save(update_fields=["resolved_at", "resolved_by"])
    if comment.author_id and comment.author_id != user.pk:
        notifications.to_accounts(
            [comment.author],
            f"Your comment on “{comment.version.title}” was resolved",
            lines=[f"{user.get_username()} resolved your comment on “{comment.quote[:300]}”.", comment.text],
            link=_version_url(comment.version),
            link_label="Open the version and its comments",
        )
    return comment


def open_clinical_concerns(version: ArticleVersion) -> list[str]:
    """One line per open clinical comment on `version` (empty: nothing holds the sign-off)."""
    return [
        f"{comment.by} on “{comment.quote[:80]}”: {comment.text[:200]}"
        for comment in version.review_comments.open().clinical().select_related("author")
    ]
