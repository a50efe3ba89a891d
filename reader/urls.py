"""The public site's addresses, in two namespaces: ``articles`` (home, articles, people, search,
feed) and ``taxonomy`` (the cause and topic pages)."""

from django.conf import settings
from django.urls import include, path

from operations.ratelimits import limit_per_address
from pagecache.middleware import cached_page
from reader import panels, taxonomy_views, views
from reader.feeds import LatestArticlesFeed

article_patterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("articles/", cached_page(views.ArticleIndexView.as_view(), params=["letter", "page"]), name="article_index"),
    path(
        "articles/<slug:slug>/",
        cached_page(
            views.ArticleDetailView.as_view(),
            # what readers change on it: the helpful-vote count (reader.helpful) and what the
            # panels of other apps show (reader.panels: participation's approved stories' counts)
            tags=["votes:{slug}", *panels.tags()],
            bypass_cookies=[settings.SPASMINFO_VOTER_COOKIE],
        ),
        name="article_detail",
    ),
    path("articles/<slug:slug>/helpful/", views.helpful_vote, name="helpful_vote"),
    path("csrf/", views.csrf_token, name="csrf_token"),
    path("people/<slug:slug>/", cached_page(views.PersonDetailView.as_view()), name="person_detail"),
    path(
        "people/<slug:slug>/written/",
        cached_page(views.PersonArticlesView.as_view(role="written"), params=["page"]),
        name="person_written",
    ),
    path(
        "people/<slug:slug>/reviewed/",
        cached_page(views.PersonArticlesView.as_view(role="reviewed"), params=["page"]),
        name="person_reviewed",
    ),
    path("search/", cached_page(views.SearchView.as_view(), params=["q", "page"]), name="search"),
    # rate limited outside the cache, so cached answers count too; every method counts (a POST gets 405)
    path(
        "search/suggest/",
        limit_per_address(group="search_suggest", rate_setting="SPASMINFO_SUGGEST_RATE")(
            cached_page(views.search_suggestions, params=["q"])
        ),
        name="search_suggest",
    ),
    path("feed/", cached_page(LatestArticlesFeed()), name="feed"),
]

taxonomy_patterns = [
    path("causes/", cached_page(taxonomy_views.CauseIndexView.as_view()), name="cause_index"),
    path(
        "causes/<slug:slug>/",
        cached_page(taxonomy_views.CauseDetailView.as_view(), params=["page"]),
        name="cause_detail",
    ),
    path("topics/", cached_page(taxonomy_views.TopicIndexView.as_view()), name="topic_index"),
    path(
        "topics/<slug:slug>/",
        cached_page(taxonomy_views.TopicDetailView.as_view(), params=["page"]),
        name="topic_detail",
    ),
]

urlpatterns = [
    path("", include((taxonomy_patterns, "taxonomy"))),
    path("", include((article_patterns, "articles"))),
]
