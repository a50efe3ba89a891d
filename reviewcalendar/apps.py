from django.apps import AppConfig


class ReviewCalendarConfig(AppConfig):
    name = "reviewcalendar"
    verbose_name = "Review calendar"
