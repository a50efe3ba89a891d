from django.urls import path

from taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("causes/", views.CauseIndexView.as_view(), name="cause_index"),
    path("causes/<slug:slug>/", views.CauseDetailView.as_view(), name="cause_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
