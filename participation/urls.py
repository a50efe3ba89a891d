from django.conf import settings
from django.urls import path

from pagecache.middleware import cached_page
from participation import question_views, update_views, views

app_name = "participation"

urlpatterns = [
    path(
        "articles/<slug:slug>/stories/<slug:prompt>/",
        cached_page(views.stories, params=["page"], tags=["stories:{slug}:{prompt}"]),
        name="stories",
    ),
    path("articles/<slug:slug>/stories/<slug:prompt>/share/", views.share_story, name="share_story"),
    path("articles/<slug:slug>/stories/<slug:prompt>/thanks/", views.story_thanks, name="story_thanks"),
    path("articles/<slug:slug>/report/", views.report_article, name="report_article"),
    path("stories/<int:story>/report/", views.report_story, name="report_story"),
    path("report/thanks/", views.report_thanks, name="report_thanks"),
    path("questions/", cached_page(question_views.question_list, params=["page"]), name="question_list"),
    path("questions/ask/", question_views.ask, name="ask"),
    path("questions/ask/thanks/", question_views.ask_thanks, name="ask_thanks"),
    path("questions/suggest/", question_views.suggest, name="question_suggest"),
    path(
        "questions/<slug:slug>/",
        cached_page(
            question_views.question_detail,
            tags=["question:{slug}"],  # its helpful-vote count (question_views.question_vote)
            bypass_cookies=[settings.SPASMINFO_VOTER_COOKIE],
        ),
        name="question_detail",
    ),
    path("questions/<slug:slug>/helpful/", question_views.question_vote, name="question_vote"),
    path("questions/<slug:slug>/report/", question_views.report_question, name="report_question"),
    path("updates/", update_views.subscribe, name="updates"),
    path("updates/thanks/", update_views.updates_thanks, name="updates_thanks"),
    path("updates/confirm/<str:token>/", update_views.confirm, name="confirm_updates"),
    path("updates/unsubscribe/<str:token>/", update_views.unsubscribe, name="unsubscribe"),
    path("privacy/", cached_page(views.privacy), name="privacy"),
]
