"""A reviewer's iCalendar feed, at a secret address their calendar app subscribes to (no sign-in)."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from operations.ratelimits import limit_per_address
from reviewcalendar import ics
from reviewcalendar.models import ReviewerFeed
from reviewcalendar.selectors import feed_entries


@require_GET
@limit_per_address(group="calendar", rate_setting="SPASMINFO_CALENDAR_RATE")
def reviewer_feed(request, token: str):
    feed = ReviewerFeed.objects.by_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(
        ics.feed(feed.person, feed_entries(feed.person)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="reviews.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
