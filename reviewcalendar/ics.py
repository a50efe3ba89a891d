"""A reviewer's calendar entries as an iCalendar file (RFC 5545), with the `icalendar` package."""

import datetime

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from reviewcalendar.selectors import GO_LIVE, Entry


def _admin_url(entry: Entry) -> str:
    name = "admin:articles_article_rereview" if entry.kind != GO_LIVE else "admin:articles_article_change"
    return settings.SPASMINFO_SITE_URL + reverse(name, args=[entry.article.pk])


def _stamp(entry: Entry) -> datetime.datetime:
    if entry.at is not None:
        return entry.at.astimezone(datetime.UTC)
    return datetime.datetime.combine(entry.day, datetime.time.min, tzinfo=datetime.UTC)


def feed(person, entries: list[Entry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//spasminfo//review calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.SPASMINFO_SITE_NAME}: reviews for {person.name}")
    calendar.add("x-published-ttl", "PT1H")
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.kind}-{entry.article.pk}-{entry.day.isoformat()}@{settings.SPASMINFO_SITE_NAME}")
        # Stamped from the event itself, not the request: the same calendar is the same bytes, so
        # its ETag holds and a calendar app that revalidates gets a 304.
        event.add("dtstamp", _stamp(entry))
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
