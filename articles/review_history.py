"""An article's public review history: every sign-off and re-review of the versions readers have had.

Read from `Review` rows (append-only) of signed-off versions up to the live one (a version
signed off for a later go-live is not history yet). Each entry says when, who (their signed-off
name and credentials), whether the text changed, and for a changed version the editor's one-line
note, which the reviewer signed off with the text (it is part of the version's fingerprint).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from articles.models import ArticleVersion, Review

SHOWN_OUTCOMES = (Review.Outcome.APPROVED, Review.Outcome.CONFIRMED)


@dataclass(frozen=True)
class HistoryEntry:
    reviewed_at: datetime.datetime
    reviewer: object  # articles.Person
    version_number: int
    text_changed: bool
    first: bool
    change_note: str

    @property
    def summary(self) -> str:
        if self.first:
            return "First published"
        return "Text updated" if self.text_changed else "Re-reviewed, no changes"


def prefetch() -> Prefetch:
    """For `ArticleQuerySet.with_review_history`: the signed-off versions and their sign-offs (two queries)."""
    reviews = Review.objects.filter(outcome__in=SHOWN_OUTCOMES).select_related("reviewer").order_by("created_at", "pk")
    versions = (
        ArticleVersion.objects.filter(status=ArticleVersion.Status.APPROVED)
        .only("pk", "article_id", "number", "status", "change_note")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("number")
    )
    return Prefetch("versions", queryset=versions, to_attr="signed_off_versions")


def review_history(article) -> list[HistoryEntry]:
    """Newest first. Uses the prefetch when the queryset asked for it, else two queries."""
    if article.live_version_id is None:
        return []
    versions = getattr(article, "signed_off_versions", None)
    if versions is None:
        versions = list(
            type(article).objects.filter(pk=article.pk).prefetch_related(prefetch()).get().signed_off_versions
        )
    live_number = article.live_version.number
    entries, first_seen = [], False
    for version in versions:
        if version.number > live_number:
            continue
        for review in version.reviews.all():
            changed = review.outcome == Review.Outcome.APPROVED
            entries.append(
                HistoryEntry(
                    reviewed_at=review.created_at,
                    reviewer=review.reviewer,
                    version_number=version.number,
                    text_changed=changed,
                    first=changed and not first_seen,
                    change_note=version.change_note if changed else "",
                )
            )
            first_seen = first_seen or changed
    return sorted(entries, key=lambda e: e.reviewed_at, reverse=True)
