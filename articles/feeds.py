"""Atom feed of newly published and newly reviewed articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.SPASMINFO_SITE_NAME}: new and newly reviewed articles"
    subtitle = "Medically reviewed articles on muscle spasms and cramps, as they are published or re-reviewed."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return (
            Article.objects.listed()
            .select_related("live_version", "last_reviewed_by", "topic")
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

    def item_author_name(self, item):
        return item.last_reviewed_by.byline if item.last_reviewed_by_id else None

    def item_categories(self, item):
        return [item.topic.name]

    def item_guid(self, item):
        return item.get_absolute_url()
