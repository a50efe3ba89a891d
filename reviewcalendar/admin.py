"""The review calendar in the admin: a month of go-lives, archiving and reviews due, filtered by
reviewer and topic; and each reviewer's own feed address, which they can reset."""

import calendar
import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.admin.people import ReadOnlyAdmin
from articles.models import Person
from operations.secrets import show_once
from reviewcalendar import selectors
from reviewcalendar.models import ReviewCalendar, ReviewerFeed
from taxonomy.models import Topic


class CalendarFilter(forms.Form):
    month = forms.RegexField(regex=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", required=False)
    reviewer = forms.ModelChoiceField(
        Person.objects.filter(is_medical_reviewer=True), required=False, empty_label="every reviewer"
    )
    topic = forms.ModelChoiceField(Topic.objects.all(), required=False, empty_label="every topic")


def _first_of(value: str | None) -> datetime.date:
    if value:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    return timezone.localdate().replace(day=1)


def _shift(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@admin.register(ReviewCalendar)
class ReviewCalendarAdmin(ReadOnlyAdmin):
    """Anyone on staff who may view articles sees the calendar; nothing here changes an article."""

    page_parameters = ("month", "reviewer", "topic")  # what the admin input fuzz tries (not a changelist)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("articles.view_article")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_urls(self):
        return [
            path("feed/", self.admin_site.admin_view(self.feed_view), name="reviewcalendar_feed"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = CalendarFilter(request.GET or None)
        if form.is_bound and not form.is_valid():
            raise BadRequest("Choose a month (YYYY-MM), a reviewer and a topic from the lists.")
        filters = form.cleaned_data if form.is_bound else {}
        first = _first_of(filters.get("month"))
        following = _shift(first, 1)
        entries = selectors.entries(first, following, reviewer=filters.get("reviewer"), topic=filters.get("topic"))
        by_day: dict = {}
        for entry in entries:
            by_day.setdefault(entry.day, []).append(entry)
        weeks = [
            [(day, by_day.get(day, [])) if day.month == first.month else (None, []) for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        ]
        query = request.GET.copy()
        links = {}
        for name, month in (("previous", _shift(first, -1)), ("next", following)):
            query["month"] = f"{month:%Y-%m}"
            links[name] = f"?{query.urlencode()}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review calendar: {first:%B %Y}",
            "form": form,
            "weeks": weeks,
            "entries": entries,
            "month": first,
            "today": timezone.localdate(),
            "links": links,
            "weekdays": list(calendar.day_abbr),
            "is_reviewer": getattr(getattr(request.user, "person", None), "is_medical_reviewer", False),
        }
        return TemplateResponse(request, "admin/reviewcalendar/calendar.html", context)

    def feed_view(self, request):
        """The signed-in reviewer's own feed: make or reset its secret address (shown once)."""
        person = getattr(request.user, "person", None)
        if person is None or not person.is_medical_reviewer:
            raise PermissionDenied
        if request.method == "POST":
            token = ReviewerFeed.reset_for(person)
            url = request.build_absolute_uri(reverse("reviewcalendar:reviewer_feed", kwargs={"token": token}))
            show_once(
                request,
                f"Your calendar address is {url} — subscribe to it in your calendar app now: it is shown only once. "
                "Any earlier address has stopped working.",
            )
            return HttpResponseRedirect(reverse("admin:reviewcalendar_feed"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Your review calendar feed",
            "feed": ReviewerFeed.objects.filter(person=person).first(),
        }
        return TemplateResponse(request, "admin/reviewcalendar/feed.html", context)
