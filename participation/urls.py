from django.urls import path

from articles.caching import cached_page
from participation import views
from participation.caching import tagged

app_name = "participation"

urlpatterns = [
    path(
        "articles/<slug:slug>/stories/<slug:prompt>/",
        cached_page(tagged(views.stories, "stories:{slug}:{prompt}")),
        name="stories",
    ),
    path("articles/<slug:slug>/stories/<slug:prompt>/share/", views.share_story, name="share_story"),
    path("articles/<slug:slug>/stories/<slug:prompt>/thanks/", views.story_thanks, name="story_thanks"),
    path("articles/<slug:slug>/report/", views.report_article, name="report_article"),
    path("stories/<int:story>/report/", views.report_story, name="report_story"),
    path("report/thanks/", views.report_thanks, name="report_thanks"),
    path("privacy/", cached_page(views.privacy), name="privacy"),
]
