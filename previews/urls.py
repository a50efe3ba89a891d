from django.urls import path

from previews import views

app_name = "previews"

urlpatterns = [path("preview/<str:token>/", views.expert_preview, name="expert_preview")]
