from django.urls import path

from pagecache.middleware import cached_page
from taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("causes/", cached_page(views.CauseIndexView.as_view()), name="cause_index"),
    path("causes/<slug:slug>/", cached_page(views.CauseDetailView.as_view(), params=["page"]), name="cause_detail"),
    path("topics/", cached_page(views.TopicIndexView.as_view()), name="topic_index"),
    path("topics/<slug:slug>/", cached_page(views.TopicDetailView.as_view(), params=["page"]), name="topic_detail"),
]
