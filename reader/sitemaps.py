"""sitemap.xml: listed articles, and the topic, cause and people pages, with lastmod from the last review."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from articles.models import Article, Person, VersionAuthor, VersionCause
from taxonomy.models import Cause, Topic


def _live_version_ids():
    return Article.objects.listed().values("live_version_id")


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.listed().only("slug", "last_reviewed_at").order_by("slug")

    def lastmod(self, item):
        return item.last_reviewed_at


class TopicSitemap(Sitemap):
    """Topics with at least one listed article; lastmod is their newest review."""

    def items(self):
        return (
            Topic.objects.public()
            .annotate(
                last_review=Max(
                    "articles__last_reviewed_at", filter=Q(articles__live_version_id__in=_live_version_ids())
                )
            )
            .filter(last_review__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.last_review


class CauseSitemap(Sitemap):
    """Every public cause page (the cause index links them all); lastmod where a listed article discusses it."""

    def items(self):
        last = dict(
            VersionCause.objects.filter(content_object_id__in=_live_version_ids())
            .values("tag_id")
            .annotate(last=Max("content_object__article__last_reviewed_at"))
            .values_list("tag_id", "last")
        )
        causes = list(Cause.objects.public().order_by("slug"))
        for cause in causes:
            cause.last_review = last.get(cause.pk)
        return causes

    def lastmod(self, item):
        return item.last_review


class PersonSitemap(Sitemap):
    """People who wrote or reviewed a listed article; lastmod is the newest review of those articles."""

    def items(self):
        last: dict[int, object] = {}
        written = (
            VersionAuthor.objects.filter(version_id__in=_live_version_ids())
            .values("person_id")
            .annotate(last=Max("version__article__last_reviewed_at"))
            .values_list("person_id", "last")
        )
        reviewed = (
            Article.objects.listed()
            .values("last_reviewed_by_id")
            .annotate(last=Max("last_reviewed_at"))
            .values_list("last_reviewed_by_id", "last")
        )
        for person_id, when in [*written, *reviewed]:
            if person_id is not None:
                last[person_id] = max(filter(None, [last.get(person_id), when]))
        people = list(Person.objects.public().filter(pk__in=last).order_by("slug"))
        for person in people:
            person.last_review = last[person.pk]
        return people

    def lastmod(self, item):
        return item.last_review


# The sections of sitemap.xml, in order; apps above the public site add theirs (`add_section`).
SITEMAPS = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "causes": CauseSitemap,
    "people": PersonSitemap,
}


def add_section(name: str, sitemap: type[Sitemap]) -> None:
    """List `sitemap`'s pages in sitemap.xml too, after the sections before it (participation adds
    the answered questions from its AppConfig.ready())."""
    SITEMAPS[name] = sitemap
