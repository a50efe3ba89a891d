"""One inbox: everything a medical reviewer must decide, and everything an editor must act on,
from every app, at the top of the admin index.

Article versions, overdue and reported articles and take-downs have their own queues
(`articles.queues`, shown by the dashboard). Every other kind of reviewed content adds a
section here: this app's proposals (supporting text and classification), and from their
`ready()` the apps above it (participation: expert answers, readers' questions). A section is
a function of the signed-in account (and the person it signs as) returning a `Section`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from articles.models import AuditEntry
from taxonomy.reviewed_text import ReviewedText


@dataclass
class Item:
    url: str
    title: str
    detail: str = ""


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = "None."


ReviewerSection = Callable[..., Section]
EditorSection = Callable[..., Section]
_reviewer_sections: list[ReviewerSection] = []
_editor_sections: list[EditorSection] = []


def add_reviewer_section(section: ReviewerSection) -> ReviewerSection:
    """`section(user=, person=) -> Section` joins every reviewer's inbox."""
    if section not in _reviewer_sections:
        _reviewer_sections.append(section)
    return section


def add_editor_section(section: EditorSection) -> EditorSection:
    """`section(user=) -> Section` joins every editor's inbox."""
    if section not in _editor_sections:
        _editor_sections.append(section)
    return section


_open_problems: list[Callable] = []


def add_open_problems(source: Callable) -> Callable:
    """`source(article) -> [sentence, ...]`: problems a reviewer reads before confirming the article."""
    if source not in _open_problems:
        _open_problems.append(source)
    return source


def open_problems(article) -> list[str]:
    return [problem for source in _open_problems for problem in source(article)]


def reviewer_sections(*, user, person) -> list[Section]:
    return [section(user=user, person=person) for section in _reviewer_sections]


def editor_sections(*, user) -> list[Section]:
    return [section(user=user) for section in _editor_sections]


def reviewed_text_models() -> list[type[ReviewedText]]:
    return [model for model in apps.get_models() if issubclass(model, ReviewedText)]


def _label(obj) -> str:
    return f"{obj._meta.verbose_name.capitalize()}: {obj}"


@add_reviewer_section
def proposals_to_decide(*, user, person, limit: int = 50) -> Section:
    """Proposed supporting text and classification, oldest first, that this reviewer may decide:
    not one their account proposed or changed, not text about themselves."""
    waiting = []
    for model in reviewed_text_models():
        rows = model.objects.filter(pending_since__isnull=False).exclude(pending_editors__contains=[user.pk])
        if model._meta.label == "articles.Person":
            rows = rows.exclude(pk=person.pk)
        waiting += list(rows.exclude(pending_by=user).order_by("pending_since")[:limit])
    waiting.sort(key=lambda obj: obj.pending_since)
    return Section(
        key="proposals",
        title="Proposed text and classification to sign off or decline",
        items=[
            Item(
                url=reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_review_text", args=[obj.pk]),
                title=_label(obj),
                detail="proposed "
                + f"{timezone.localtime(obj.pending_since):%d %b %Y}: "
                + ", ".join(str(obj._meta.get_field(name).verbose_name) for name in obj.pending_text),
            )
            for obj in waiting[:limit]
        ],
        empty="No proposals are waiting for you.",
    )


def _change_url(entry: AuditEntry) -> str:
    kind = entry.content_type
    return reverse(f"admin:{kind.app_label}_{kind.model}_change", args=[entry.object_id])


@add_editor_section
def declined_proposals(*, user, days: int = 30) -> Section:
    """Proposals of this account that a reviewer declined in the last `days`, with the reason."""
    since = timezone.now() - datetime.timedelta(days=days)
    entries = AuditEntry.objects.filter(
        kind=AuditEntry.Kind.TEXT_DECLINED, after__proposed_by__contains=[user.pk], created_at__gte=since
    ).order_by("-created_at")[:50]
    return Section(
        key="declined",
        title=f"Your proposals declined (last {days} days)",
        items=[
            Item(
                url=_change_url(entry),
                title=entry.object_repr,
                detail=f"declined by {entry.person.name if entry.person_id else entry.username} "
                f"on {timezone.localtime(entry.created_at):%d %b %Y}: “{entry.comment}”",
            )
            for entry in entries.select_related("content_type", "person")
        ],
        empty="None.",
    )
