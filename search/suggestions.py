"""Suggestions as you type: up to 8 titles of listed articles and names of their causes.

    suggest(text) -> list[Suggestion]

From 2 characters, words of a title or a cause name that start with the text
(case-insensitive), best first: titles and names that start with it, then A to
Z. Each query reads at most MAX_SUGGESTIONS rows after an index-assisted filter
(on PostgreSQL a pg_trgm GIN index on titles, migration 0012), so the cost does
not grow with the number of matches. Served at /search/suggest/ (cached, rate
limited) and read by static/js/suggest.js.
"""

from dataclasses import asdict, dataclass

from django.db.models import Case, Q, Value, When
from django.urls import reverse

from articles.models import Article, VersionCause
from taxonomy.models import Cause

MIN_LENGTH = 2
MAX_LENGTH = 50
MAX_SUGGESTIONS = 8
MAX_CAUSES = 3  # of the 8 when titles fill the rest


@dataclass
class Suggestion:
    label: str
    url: str
    kind: str  # "article" or "cause"

    def as_dict(self) -> dict:
        return asdict(self)


def _word_start(field: str, text: str) -> Q:
    """`field` starts with `text`, or has a word that does (after a space or hyphen)."""
    return (
        Q(**{f"{field}__istartswith": text})
        | Q(**{f"{field}__icontains": f" {text}"})
        | Q(**{f"{field}__icontains": f"-{text}"})
    )


def normalise(text: str) -> str:
    return " ".join((text or "").split())[:MAX_LENGTH]


def suggest(text: str) -> list[Suggestion]:
    text = normalise(text)
    if len(text) < MIN_LENGTH:
        return []
    listed = Article.objects.listed()
    titles = list(
        listed.filter(_word_start("live_version__title", text))
        .annotate(starts=Case(When(live_version__title__istartswith=text, then=Value(0)), default=Value(1)))
        .order_by("starts", "live_version__title", "slug")
        .values_list("live_version__title", "slug")[:MAX_SUGGESTIONS]
    )
    discussed = VersionCause.objects.filter(content_object_id__in=listed.values("live_version_id")).values("tag_id")
    causes = list(
        Cause.objects.filter(pk__in=discussed)
        .filter(_word_start("name", text))
        .annotate(starts=Case(When(name__istartswith=text, then=Value(0)), default=Value(1)))
        .order_by("starts", "name")
        .values_list("name", "slug")[:MAX_SUGGESTIONS]
    )
    title_room = MAX_SUGGESTIONS - min(len(causes), MAX_CAUSES)
    chosen = titles[:title_room]
    found = [
        Suggestion(label=title, url=reverse("articles:article_detail", args=[slug]), kind="article")
        for title, slug in chosen
    ]
    found += [
        Suggestion(label=name, url=reverse("taxonomy:cause_detail", args=[slug]), kind="cause")
        for name, slug in causes[: MAX_SUGGESTIONS - len(chosen)]
    ]
    return found
