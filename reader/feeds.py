"""Atom feed of newly published and newly reviewed articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article, VersionAuthor

FEED_LENGTH = 20


class WritersAtomFeed(Atom1Feed):
    """Atom with one <author> per writer of an entry (Django's Atom1Feed writes at most one)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item.get("writers", []):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", link)
            handler.endElement("author")


class LatestArticlesFeed(Feed):
    feed_type = WritersAtomFeed
    title = f"{settings.SPASMINFO_SITE_NAME}: new and newly reviewed articles"
    subtitle = "Medically reviewed articles on muscle spasms and cramps, as they are published or re-reviewed."

    def link(self):
        return reverse("articles:home")

    def get_feed(self, obj, request):
        self.request = request  # for absolute author links
        return super().get_feed(obj, request)

    def items(self):
        return (
            Article.objects.listed()
            .select_related("live_version", "topic")
            .prefetch_related(
                Prefetch(
                    "live_version__author_links",
                    queryset=VersionAuthor.objects.select_related("person").order_by("position", "id"),
                )
            )
            .order_by("-last_reviewed_at", "slug")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.live_version.title

    def item_description(self, item):
        return item.live_version.summary

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_reviewed_at

    def item_extra_kwargs(self, item):
        # The entry's authors are the people who wrote it; the reviewer who signed it off is not its author.
        return {
            "writers": [
                (link.person.byline, self.request.build_absolute_uri(link.person.get_absolute_url()))
                for link in item.live_version.author_links.all()
            ]
        }

    def item_categories(self, item):
        return [item.topic.name]

    def item_guid(self, item):
        """A tag URI (RFC 4151) from the host, the first publication date and the article's
        id: absolute, the same for every re-review, and kept when the article is renamed (a
        new slug), so a feed reader never shows it again as new."""
        host = self.request.get_host().rsplit(":", 1)[0]  # a tag URI's authority has no port
        return f"tag:{host},{item.first_published_at:%Y-%m-%d}:article:{item.pk}"
