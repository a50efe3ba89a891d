"""Moderation of readers' stories: every step a function, checked against the actor's
permission (`participation.moderate_story`; `workflow.SYSTEM` for the site itself, None
refused), and refreshing exactly the pages the story shows on (participation.caching)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from articles.workflow import Actor, NotAllowed, account, require
from participation import caching
from participation.models import Story, StoryEdit

PERMISSION = "participation.moderate_story"
Status = Story.Status


def _locked(stories: Iterable[Story]) -> list[Story]:
    ids = [story.pk for story in stories]
    return list(Story.objects.select_for_update().filter(pk__in=ids).select_related("article", "prompt").order_by("pk"))


def _close_reports(stories, user: Actor) -> None:
    from participation.reports import close_story_reports

    close_story_reports(stories, user)


@transaction.atomic
def approve_stories(*, stories: Iterable[Story], user: Actor) -> int:
    """Publish the stories; returns how many changed. Already approved ones are left as they are."""
    require(user, PERMISSION, "approve stories")
    changed = [story for story in _locked(stories) if story.status != Status.APPROVED]
    now = timezone.now()
    for story in changed:
        story.status, story.moderated_at, story.moderated_by, story.rejection_reason = (
            Status.APPROVED,
            now,
            account(user),
            "",
        )
        story.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
    _close_reports(changed, user)
    caching.story_changed(*changed)
    return len(changed)


@transaction.atomic
def reject_stories(*, stories: Iterable[Story], user: Actor, reason: str) -> int:
    """Keep the stories off the site, with the reason (required)."""
    require(user, PERMISSION, "reject stories")
    reason = reason.strip()
    if not reason:
        raise NotAllowed("Give a reason for rejecting.")
    locked = _locked(stories)
    was_public = [story for story in locked if story.status == Status.APPROVED]
    now = timezone.now()
    for story in locked:
        story.status, story.moderated_at, story.moderated_by, story.rejection_reason = (
            Status.REJECTED,
            now,
            account(user),
            reason[:300],
        )
        story.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
    _close_reports(locked, user)
    caching.story_changed(*was_public)
    return len(locked)


@transaction.atomic
def edit_story(*, story: Story, user: Actor, display_name: str, text: str, reason: str) -> Story:
    """Change a story's words. For an approved story a reason is required; every change is
    recorded (StoryEdit: who, when, why, before and after)."""
    require(user, PERMISSION, "edit stories")
    (story,) = _locked([story])
    before = {"display_name": story.display_name, "text": story.text}
    after = {"display_name": display_name, "text": text}
    if before == after:
        return story
    reason = reason.strip()
    if story.status == Status.APPROVED and not reason:
        raise NotAllowed("An approved story is changed only with a reason.")
    if account(user) is None:
        raise NotAllowed("Story edits are made by a moderator's account.")
    story.display_name, story.text = display_name, text
    story.save(update_fields=["display_name", "text"])
    StoryEdit.objects.create(story=story, user=user, reason=reason or "(before approval)", before=before, after=after)
    if story.status == Status.APPROVED:
        caching.story_changed(story)
    return story


@transaction.atomic
def hide_story(*, story: Story) -> bool:
    """Readers' reports took the story down until a moderator looks again (the site acts: no user)."""
    (story,) = _locked([story])
    if story.status != Status.APPROVED:
        return False
    story.status = Status.HIDDEN
    story.save(update_fields=["status"])
    caching.story_changed(story)
    return True
