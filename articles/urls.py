from django.conf import settings
from django.urls import path

from articles import views
from articles.caching import LISTING, cached_page, declaring
from articles.feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("articles/", cached_page(views.ArticleIndexView.as_view()), name="article_index"),
    path(
        "articles/<slug:slug>/",
        cached_page(views.ArticleDetailView.as_view(), bypass_cookies=[settings.SPASMINFO_VOTER_COOKIE]),
        name="article_detail",
    ),
    path("articles/<slug:slug>/helpful/", views.helpful_vote, name="helpful_vote"),
    path("people/<slug:slug>/", cached_page(views.PersonDetailView.as_view()), name="person_detail"),
    path("search/", cached_page(views.SearchView.as_view()), name="search"),
    path("feed/", cached_page(declaring(LatestArticlesFeed(), LISTING)), name="feed"),
]
