"""The review calendar: a month of go-lives, archiving and reviews due in the admin, and each reviewer's
iCalendar feed, checked against `manage.py review_due --json`."""

import datetime
import json

import icalendar
import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import lifecycle, services
from articles.models import Person
from reviewcalendar.models import ReviewerFeed
from taxonomy.models import Topic

pytestmark = pytest.mark.django_db

TODAY = "2026-11-21 12:00Z"
CALENDAR = reverse("admin:reviewcalendar_reviewcalendar_changelist")


@pytest.fixture
def second_reviewer(db):
    user = User.objects.create_user("second_reviewer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    Person.objects.create(
        name="Dee Park",
        slug="dee-park",
        credentials="MD",
        is_medical_reviewer=True,
        user=user,
        signing_confirmed_user=user,
    )
    return User.objects.get(pk=user.pk)


def published_on(publish, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return publish(**kwargs)


@pytest.fixture
def schedule(publish, draft_factory, submit, reviewer, second_reviewer, editor):
    """Reviews due for two reviewers (overdue, due soon, later), a scheduled go-live and an archive date."""
    published_on(publish, "2025-10-01 10:00Z", slug="overdue-one", title="Overdue one")  # due 2026-10-01
    due_soon = published_on(publish, "2025-12-05 10:00Z", slug="due-soon-one", title="Due soon one")  # 2026-12-05
    later = published_on(publish, "2026-06-01 10:00Z", slug="later-one", title="Later one")  # 2027-06-01
    lifecycle.assign_reviewer(article=due_soon, reviewer=second_reviewer.person, user=editor)
    other_topic = Topic.objects.create(name="Nerves", slug="nerves")
    later.topic = other_topic
    later.save()
    with time_machine.travel(TODAY, tick=False):
        version = submit(draft_factory(slug="coming-soon", title="Coming soon"))
        version.refresh_from_db()
        services.approve_version(
            version=version,
            reviewer=reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=reviewer,
            go_live_at=datetime.datetime(2026, 12, 9, 8, 0, tzinfo=datetime.UTC),
        )
        lifecycle.schedule_archive(
            article=due_soon, archive_at=datetime.datetime(2026, 12, 20, 17, 0, tzinfo=datetime.UTC), user=editor
        )


def feed_of(person, reader=None):
    token = ReviewerFeed.reset_for(person)
    response = (reader or Client()).get(reverse("reviewcalendar:reviewer_feed", kwargs={"token": token}))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar, kind):
    found = {}
    for event in calendar.walk("VEVENT"):
        if str(event.get("categories").cats[0]) == kind:
            found[str(event["summary"]).split(": ", 1)[1]] = event.decoded("dtstart")
    return found


def test_each_reviewers_feed_has_exactly_the_reviews_review_due_json_gives_them(
    schedule, reviewer, second_reviewer, capsys
):
    with time_machine.travel(TODAY, tick=False):
        call_command("review_due", "--json")
        due = json.loads(capsys.readouterr().out)
        horizon = datetime.date(2026, 11, 21) + datetime.timedelta(days=due["due_soon_window_days"])
        for user in (reviewer, second_reviewer):
            (group,) = [g for g in due["reviewers"] if g["reviewer"]["slug"] == user.person.slug]
            expected = {a["title"]: a["next_review_due"] for a in group["overdue"] + group["due_soon"]}
            feed = events(feed_of(user.person), "review_due")
            within = {title: day.isoformat() for title, day in feed.items() if day <= horizon}
            assert expected and within == expected
    assert events(feed_of(reviewer.person), "review_due")["Later one"] == datetime.date(2027, 6, 1)  # and beyond


def test_a_feed_has_the_go_lives_the_reviewer_signed_off_at_their_time(schedule, reviewer, second_reviewer):
    with time_machine.travel(TODAY, tick=False):
        mine = events(feed_of(reviewer.person), "go_live")
        theirs = events(feed_of(second_reviewer.person), "go_live")
    assert mine == {"Coming soon": datetime.datetime(2026, 12, 9, 8, 0, tzinfo=datetime.UTC)}
    assert theirs == {}


def test_resetting_the_feed_address_ends_the_old_one_and_unknown_addresses_are_404(reviewer, reader):
    old = ReviewerFeed.reset_for(reviewer.person)
    new = ReviewerFeed.reset_for(reviewer.person)
    assert reader.get(reverse("reviewcalendar:reviewer_feed", kwargs={"token": old})).status_code == 404
    assert reader.get(reverse("reviewcalendar:reviewer_feed", kwargs={"token": new})).status_code == 200
    assert reader.get(reverse("reviewcalendar:reviewer_feed", kwargs={"token": "guess"})).status_code == 404
    assert not ReviewerFeed.objects.filter(token_hash__in=[old, new]).exists()  # only hashes are kept


def test_a_reviewer_makes_and_resets_their_feed_in_the_admin(client, reviewer, reader):
    client.force_login(reviewer)
    assert "no feed address yet" in client.get(reverse("admin:reviewcalendar_feed")).content.decode()
    page = client.post(reverse("admin:reviewcalendar_feed"), follow=True).content.decode()
    url = page.split("Your calendar address is ")[1].split(" ")[0]
    assert reader.get(url).status_code == 200
    client.post(reverse("admin:reviewcalendar_feed"))
    assert reader.get(url).status_code == 404


def test_editors_have_no_feed_but_see_the_calendar(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:reviewcalendar_feed")).status_code == 403
    assert client.get(CALENDAR).status_code == 200


def test_the_month_shows_go_lives_archiving_and_reviews_due_on_their_days(client, editor, schedule):
    client.force_login(editor)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(CALENDAR, {"month": "2026-12"}).content.decode()
    assert "Review calendar: December 2026" in page
    assert 'data-kind="review_due" data-slug="due-soon-one"' in page
    assert 'data-kind="go_live" data-slug="coming-soon"' in page and "Goes live 08:00: " in page
    assert 'data-kind="archive" data-slug="due-soon-one"' in page
    assert "overdue-one" not in page and "3 dates this month" in page


def test_the_month_filters_by_reviewer_and_by_topic(client, editor, schedule, reviewer, second_reviewer):
    client.force_login(editor)
    with time_machine.travel(TODAY, tick=False):
        dees = client.get(CALENDAR, {"month": "2026-12", "reviewer": second_reviewer.person.pk}).content.decode()
        anas = client.get(CALENDAR, {"month": "2026-12", "reviewer": reviewer.person.pk}).content.decode()
        nerves = client.get(
            CALENDAR, {"month": "2027-06", "topic": Topic.objects.get(slug="nerves").pk}
        ).content.decode()
        other = client.get(CALENDAR, {"month": "2027-06", "topic": Topic.objects.exclude(slug="nerves").get().pk})
    assert "due-soon-one" in dees and "coming-soon" not in dees
    assert "coming-soon" in anas and "due-soon-one" not in anas
    assert "later-one" in nerves and "later-one" not in other.content.decode()


def test_the_feed_runs_three_queries_however_many_articles(schedule, reviewer, django_assert_num_queries):
    token = ReviewerFeed.reset_for(reviewer.person)
    with django_assert_num_queries(3):  # the feed and its person, reviews due, go-lives
        Client().get(reverse("reviewcalendar:reviewer_feed", kwargs={"token": token}))


@pytest.mark.parametrize("query", [{"month": "0000-01"}, {"month": "2026-13"}, {"reviewer": "x"}, {"topic": "999999"}])
def test_a_bad_month_reviewer_or_topic_is_a_400(client, editor, query):
    client.force_login(editor)
    assert client.get(CALENDAR, query).status_code == 400


def test_an_unchanged_feed_keeps_its_etag_so_a_calendar_app_gets_a_304(schedule, reviewer):
    token = ReviewerFeed.reset_for(reviewer.person)
    url = reverse("reviewcalendar:reviewer_feed", kwargs={"token": token})
    with time_machine.travel(TODAY, tick=True) as traveller:
        first = Client().get(url)
        traveller.shift(datetime.timedelta(seconds=5))
        second = Client().get(url)
        assert first["ETag"] == second["ETag"] and first.content == second.content
        assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
