from django.urls import path

from reviewcalendar import views

app_name = "reviewcalendar"

urlpatterns = [path("calendar/<str:token>.ics", views.reviewer_feed, name="reviewer_feed")]
