"""Making, opening, commenting through and revoking expert preview links; each step in the timeline."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import ArticleEvent, ArticleVersion
from articles.workflow import EDIT_PERMISSION, SYSTEM, Actor, NotAllowed, WorkflowError, account, record, require
from previews.models import MAX_DAYS, ExpertComment, PreviewLink

DEFAULT_DAYS = 7
Event = ArticleEvent.Kind


@transaction.atomic
def create_preview_link(
    *, version: ArticleVersion, recipient: str, user: Actor, days: int = DEFAULT_DAYS, follows_draft: bool = True
) -> PreviewLink:
    """A link to `version`'s preview, valid `days` days (1 to 30), until revoked or the version is signed off or
    withdrawn; a pinned link (`follows_draft=False`) also ends at the version's next change."""
    require(user, EDIT_PERMISSION, "share previews")
    if version.status not in ArticleVersion.OPEN_STATUSES:
        raise WorkflowError("Only a draft or a version awaiting review can be shared for expert comment.")
    if not 1 <= days <= MAX_DAYS:
        raise WorkflowError(f"A preview link lasts 1 to {MAX_DAYS} days.")
    if not recipient.strip():
        raise WorkflowError("Say who the link is for.")
    now = timezone.now()
    link = PreviewLink.objects.create(
        version=version,
        recipient=recipient.strip(),
        fingerprint=version.compute_fingerprint(),
        follows_draft=follows_draft,
        created_by=account(user),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    record(
        version.article,
        Event.PREVIEW_LINK_CREATED,
        user=user,
        version=version,
        comment=f"Link #{link.pk} for {link.recipient}, until {link.expires_at:%d %b %Y %H:%M %Z}"
        + ("; it follows the draft." if follows_draft else "; pinned to this text, it ends at the next save."),
        at=now,
    )
    return link


@transaction.atomic
def revoke_preview_link(*, link: PreviewLink, user: Actor) -> PreviewLink:
    require(user, EDIT_PERMISSION, "revoke preview links")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise NotAllowed("This link is already revoked.")
    link.revoked_at, link.revoked_by = timezone.now(), account(user)
    link.save(update_fields=["revoked_at", "revoked_by"])
    record(
        link.version.article, Event.PREVIEW_LINK_REVOKED, user=user, version=link.version, comment=f"Link #{link.pk}."
    )
    return link


def open_preview_link(token: str) -> PreviewLink | None:
    """The link behind `token` if it still works, else None (the caller answers 404, whatever the reason)."""
    link = PreviewLink.objects.from_token(token)
    if link is None or link.dead_reason():
        return None
    return link


@transaction.atomic
def record_view(link: PreviewLink) -> None:
    """Count the view on the link; the timeline (append-only) gets one row per link per day, at its first view."""
    today = timezone.localdate()
    links = PreviewLink.objects.filter(pk=link.pk)
    first_today = links.exclude(last_viewed_on=today).update(last_viewed_on=today, view_count=F("view_count") + 1)
    if not first_today:
        links.update(view_count=F("view_count") + 1)
        return
    record(
        link.version.article,
        Event.PREVIEW_LINK_VIEWED,
        user=SYSTEM,  # no account: the visitor; the kind and the comment say who
        version=link.version,
        comment=f"Link #{link.pk} ({link.recipient}): first view on {today:%d %b %Y}; "
        "later views that day are counted on the link.",
    )


class TooManyComments(WorkflowError):
    """The link took its day's share of comments (SPASMINFO_PREVIEW_COMMENTS_PER_DAY)."""


@transaction.atomic
def add_expert_comment(*, link: PreviewLink, given_name: str, text: str) -> ExpertComment:
    """The visitor's comment, kept and copied into the timeline with the name they gave; at most
    SPASMINFO_PREVIEW_COMMENTS_PER_DAY per link in any 24 hours (each is a timeline row)."""
    link = PreviewLink.objects.select_for_update().select_related("version__article").get(pk=link.pk)
    since = timezone.now() - datetime.timedelta(days=1)
    if link.comments.filter(created_at__gt=since).count() >= settings.SPASMINFO_PREVIEW_COMMENTS_PER_DAY:
        raise TooManyComments(
            "This link has taken as many comments as it can in one day. Please copy your comment and send it "
            "tomorrow, or to the editor who sent you the link."
        )
    comment = ExpertComment.objects.create(
        link=link, version=link.version, given_name=given_name.strip(), text=text.strip()
    )
    record(
        link.version.article,
        Event.EXPERT_COMMENT,
        user=SYSTEM,  # no account: the visitor; the kind and the comment say who
        version=link.version,
        comment=f"{comment.given_name} (link #{link.pk}, for {link.recipient}): {comment.text}",
    )
    return comment


def pinned_links_a_save_ends(version: ArticleVersion) -> list[PreviewLink]:
    """The working links pinned to `version`'s text as it is now: the next save ends them."""
    links = PreviewLink.objects.filter(version=version, follows_draft=False, revoked_at__isnull=True).select_related(
        "version"
    )
    return [link for link in links if not link.dead_reason()]
