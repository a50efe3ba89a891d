"""A reviewer's calendar entries as an iCalendar file (RFC 5545), with the `icalendar` package."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from reviewcalendar.selectors import GO_LIVE, Entry


def _admin_url(entry: Entry) -> str:
    name = "admin:articles_article_rereview" if entry.kind != GO_LIVE else "admin:articles_article_change"
    return settings.SPASMINFO_SITE_URL + reverse(name, args=[entry.article.pk])


def feed(person, entries: list[Entry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//spasminfo//review calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.SPASMINFO_SITE_NAME}: reviews for {person.name}")
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.kind}-{entry.article.pk}-{entry.day.isoformat()}@{settings.SPASMINFO_SITE_NAME}")
        event.add("dtstamp", stamp)
        if entry.at is None:  # a whole day
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + datetime.timedelta(days=1))
        else:
            event.add("dtstart", entry.at.astimezone(datetime.UTC))
            event.add("duration", datetime.timedelta(minutes=15))
        event.add("summary", f"{entry.label}: {entry.title}")
        event.add("categories", [entry.kind])
        event.add("url", _admin_url(entry))
        event.add("description", f"{entry.label}: {entry.title} ({entry.article.slug}). {_admin_url(entry)}")
        calendar.add_component(event)
    return calendar.to_ical()
