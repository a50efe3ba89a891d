from django.contrib import admin
from django.urls import path

from desk import views

app_name = "desk"

_admin = admin.site.admin_view

urlpatterns = [
    path("versions/<int:pk>/autosave/", _admin(views.autosave), name="autosave"),
    path("versions/<int:pk>/autosave/discard/", _admin(views.discard), name="discard"),
    path("versions/<int:pk>/presence/", _admin(views.presence), name="presence"),
    path("preview/", _admin(views.preview), name="preview"),
    path("choose/images/", _admin(views.choose_images), name="choose_images"),
    path("choose/sources/", _admin(views.choose_sources), name="choose_sources"),
]
