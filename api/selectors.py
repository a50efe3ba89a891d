"""What the content API reads: only signed-off content, through the reader site's rules.

Articles come from ``Article.objects.live().with_live_content()`` (the one visibility
rule, with everything an article page shows, in a fixed number of queries); people, causes and topics from
their `.public()` querysets, whose own fields hold only signed-off text (pending proposals
live in `pending_text`, which the API never reads).

`changed_at` is what the changes feed orders and filters by: the latest moment the
article's public record moved (it went live, was re-reviewed, archived or restored), or
the latest sign-off of supporting text (a bio, a credential, a cause description) if that
is later, since an article's record embeds its people's and causes' names.
"""

import datetime

from django.db.models import DateTimeField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from articles.models import Article, ArticleEvent, AuditEntry, Person
from taxonomy.models import Cause, Topic

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# Timeline entries that change what a reader (or a syndicator) sees.
PUBLIC_EVENTS = (
    ArticleEvent.Kind.WENT_LIVE,
    ArticleEvent.Kind.RE_REVIEWED,
    ArticleEvent.Kind.ARCHIVED,
    ArticleEvent.Kind.RESTORED,
)


def _latest(queryset):
    return Coalesce(
        Subquery(queryset.order_by("-created_at").values("created_at")[:1]),
        Value(EPOCH),
        output_field=DateTimeField(),
    )


def supporting_text_changed():
    """When supporting text (people, causes, cause groups, topics) was last signed off."""
    return _latest(AuditEntry.objects.filter(kind=AuditEntry.Kind.TEXT_APPROVED))


def articles():
    """Live articles with their page content and `changed_at`, oldest change first (then id)."""
    article_changed = _latest(ArticleEvent.objects.filter(article=OuterRef("pk"), kind__in=PUBLIC_EVENTS))
    return (
        Article.objects.live()
        .with_live_content()
        .with_review_history()
        .annotate(changed_at=Greatest(article_changed, supporting_text_changed()))
        .order_by("changed_at", "pk")
    )


def removed_articles():
    """Articles readers had and no longer have: taken down (withdrawn for medical review), oldest
    first (then id). Only the fact, its time and the address: never the take-down's reason, and
    never an article that was not public before (`Article.objects.taken_down()` needs one that had
    a live version). A new sign-off brings it back to `articles()` and out of this list."""
    return Article.objects.taken_down().only("pk", "slug", "taken_down_at").order_by("taken_down_at", "pk")


def people():
    return Person.objects.public().order_by("pk")


def causes():
    return Cause.objects.public().select_related("group").order_by("pk")


def topics():
    return Topic.objects.public().order_by("pk")
