"""The review cycle: due dates, re-review, overdue policy, scheduling, archiving, assignment, history."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services, workflow
from articles.models import Article, ArticleEvent, ArticleVersion, Person, Review
from articles.models.history import AppendOnlyError

Event = ArticleEvent.Kind


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.fixture
def second_reviewer(db):
    user = User.objects.create_user("second_reviewer", password="pw", is_staff=True, email="dee@example.org")
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


def published_on(publish, moment: str, **kwargs) -> Article:
    with time_machine.travel(moment, tick=False):
        return publish(**kwargs)


# --- due dates and the overdue policy -------------------------------------------


@pytest.mark.parametrize(
    ("today", "due_soon", "overdue"),
    [
        ("2027-01-09", False, False),  # 31 days before it is due
        ("2027-01-10", True, False),  # 30 days before
        ("2027-02-09", True, False),  # due today
        ("2027-02-10", False, True),  # one day late
    ],
)
def test_due_soon_and_overdue_follow_the_window_and_the_date(publish, today, due_soon, overdue):
    article = published_on(publish, "2026-02-09 10:00Z")
    assert article.next_review_due == datetime.date(2027, 2, 9)
    with time_machine.travel(f"{today} 12:00Z", tick=False):
        article.refresh_from_db()
        assert (article.is_due_soon, article.is_overdue) == (due_soon, overdue)
        assert Article.objects.due_soon().filter(pk=article.pk).exists() == due_soon
        assert Article.objects.overdue().filter(pk=article.pk).exists() == overdue


def test_an_articles_own_interval_beats_its_topics(publish, topic):
    topic.review_interval_months = 6
    topic.save()
    article = published_on(publish, "2026-01-31 10:00Z")
    assert article.next_review_due == datetime.date(2026, 7, 31)
    article.review_interval_months = 1
    article.save()
    assert article.next_review_due == datetime.date(2026, 2, 28)


def test_overdue_articles_stay_public_with_a_notice_by_default(publish, reader):
    article = published_on(publish, "2026-01-10 10:00Z")
    with time_machine.travel("2027-01-15 12:00Z", tick=False):
        assert Article.objects.live().filter(pk=article.pk).exists()
        assert reader.get(article.get_absolute_url()).status_code == 200


@override_settings(SPASMINFO_OVERDUE_POLICY="hide")
def test_the_hide_policy_takes_overdue_articles_off_the_site_until_reviewed(publish, reader, reviewer):
    article = published_on(publish, "2026-01-10 10:00Z")
    with time_machine.travel("2027-01-15 12:00Z", tick=False):
        assert reader.get(article.get_absolute_url()).status_code == 404
        assert not Article.objects.listed().filter(pk=article.pk).exists()
        assert Article.objects.published().filter(pk=article.pk).exists()  # nothing is deleted
        services.re_review_live_version(
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        assert reader.get(article.get_absolute_url()).status_code == 200


# --- re-review ------------------------------------------------------------------


def test_a_re_review_a_year_later_confirms_the_same_version_and_moves_both_dates(publish, reviewer, reader):
    article = published_on(publish, "2026-01-10 10:00Z")
    version = article.live_version
    with time_machine.travel("2027-01-20 09:30Z", tick=False):
        assert article.is_overdue
        review = services.re_review_live_version(
            article=article, reviewer=reviewer.person, seen_fingerprint=version.compute_fingerprint(), user=reviewer
        )
        article.refresh_from_db()
        page = reader.get(article.get_absolute_url()).content.decode()
    assert review.outcome == Review.Outcome.CONFIRMED
    assert review.version == version and article.live_version == version
    assert article.last_reviewed_at == at("2027-01-20 09:30")
    assert article.next_review_due == datetime.date(2028, 1, 20)
    assert "20 January 2027" in page and "20 January 2028" in page
    assert version.reviews.count() == 2


def test_a_re_review_is_refused_to_editors_authors_and_stale_pages(publish, editor, reviewer, author_reviewer):
    article = publish(author=author_reviewer.person)
    fingerprint = article.live_version.compute_fingerprint()
    with pytest.raises(workflow.NotAllowed):
        services.re_review_live_version(
            article=article, reviewer=reviewer.person, seen_fingerprint=fingerprint, user=editor
        )
    with pytest.raises(workflow.NotAllowed, match="author"):
        services.re_review_live_version(
            article=article, reviewer=author_reviewer.person, seen_fingerprint=fingerprint, user=author_reviewer
        )
    with pytest.raises(workflow.StaleVersion):
        services.re_review_live_version(
            article=article, reviewer=reviewer.person, seen_fingerprint="0" * 64, user=reviewer
        )


# --- scheduling and archiving --------------------------------------------------------


def test_a_version_scheduled_to_go_live_stays_hidden_until_its_time(draft_factory, submit, reviewer, reader):
    version = submit(draft_factory())
    with time_machine.travel("2026-12-01 08:00Z", tick=False):
        services.approve_version(
            version=version,
            reviewer=reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=reviewer,
            go_live_at=at("2026-12-03 06:00"),
        )
        article = Article.objects.get(pk=version.article_id)
        assert article.scheduled_version == version and article.live_version is None
        assert reader.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel("2026-12-03 05:59Z", tick=False):
        assert services.publish_due() == {"published": [], "archived": []}
    with time_machine.travel("2026-12-03 06:00Z", tick=False):
        assert services.publish_due() == {"published": ["night-cramps"], "archived": []}
        assert services.publish_due() == {"published": [], "archived": []}  # idempotent
        article.refresh_from_db()
        assert article.live_version == version and article.scheduled_version is None
        assert article.last_reviewed_at == at("2026-12-01 08:00")  # reviewed when signed off
        assert reader.get(article.get_absolute_url()).status_code == 200


def test_readers_keep_the_old_version_while_a_revision_waits_for_its_go_live_time(
    publish, editor, submit, reviewer, reader
):
    article = publish(body="Old text [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "New text [@1]."
    draft.save()
    draft = submit(draft)
    services.approve_version(
        version=draft,
        reviewer=reviewer.person,
        seen_fingerprint=draft.submitted_fingerprint,
        user=reviewer,
        go_live_at=timezone.now() + datetime.timedelta(days=2),
    )
    assert "Old text" in reader.get(article.get_absolute_url()).content.decode()
    next_draft = services.start_draft(article=article, user=editor)
    # work continues from the newest signed-off text (its references now cited by key from the library)
    assert next_draft.body == "New text [@muscle-cramps]."


def test_the_scheduler_command_publishes_and_archives_what_is_due(publish, editor, capsys):
    article = publish()
    lifecycle.schedule_archive(article=article, archive_at=timezone.now() - datetime.timedelta(minutes=1), user=editor)
    call_command("publish_scheduled")
    assert "archived night-cramps" in capsys.readouterr().out
    article.refresh_from_db()
    assert article.archived_at is not None and article.archive_at is None
    call_command("publish_scheduled")
    assert capsys.readouterr().out == ""


def test_archiving_removes_from_lists_but_keeps_the_page_and_restoring_brings_it_back(publish, editor, reader):
    article = publish()
    lifecycle.archive_article(article=article, user=editor)
    assert not Article.objects.listed().filter(pk=article.pk).exists()
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200 and "archived on" in page.content.decode()
    lifecycle.restore_article(article=article, user=editor)
    assert Article.objects.listed().filter(pk=article.pk).exists()


def test_reviewers_cannot_archive_or_restore(publish, reviewer, editor):
    article = publish()
    with pytest.raises(workflow.NotAllowed):
        lifecycle.archive_article(article=article, user=reviewer)
    assert Article.objects.get(pk=article.pk).archived_at is None
    lifecycle.archive_article(article=article, user=editor)
    with pytest.raises(workflow.NotAllowed):
        lifecycle.restore_article(article=article, user=reviewer)
    assert Article.objects.get(pk=article.pk).archived_at is not None


# --- assignment ------------------------------------------------------------------------


def test_an_assigned_article_is_signed_off_only_by_its_reviewer(
    draft_factory, submit, editor, reviewer, second_reviewer
):
    version = submit(draft_factory())
    lifecycle.assign_reviewer(article=version.article, reviewer=second_reviewer.person, user=editor)
    version.refresh_from_db()
    with pytest.raises(workflow.NotAllowed, match="assigned to Dee Park"):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
        )
    services.approve_version(
        version=version,
        reviewer=second_reviewer.person,
        seen_fingerprint=version.submitted_fingerprint,
        user=second_reviewer,
    )


def test_only_medical_reviewers_can_be_assigned(publish, editor, writer):
    with pytest.raises(workflow.NotAllowed):
        lifecycle.assign_reviewer(article=publish(), reviewer=writer, user=editor)


# --- history ---------------------------------------------------------------------------------


def test_every_transition_is_recorded_with_who_and_when(draft_factory, submit, editor, reviewer):
    version = draft_factory()
    submit(version)
    services.send_back_version(version=version, reviewer=reviewer.person, comment="Add a source.", user=reviewer)
    version.refresh_from_db()
    submit(version)
    services.approve_version(
        version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
    )
    article = version.article
    services.re_review_live_version(
        article=article, reviewer=reviewer.person, seen_fingerprint=version.compute_fingerprint(), user=reviewer
    )
    lifecycle.archive_article(article=article, user=editor)
    lifecycle.restore_article(article=article, user=editor)
    kinds = list(article.events.order_by("created_at", "id").values_list("kind", "user__username"))
    assert kinds == [
        (Event.CREATED, "editor"),
        (Event.SUBMITTED, "editor"),
        (Event.SENT_BACK, "reviewer"),
        (Event.SUBMITTED, "editor"),
        (Event.APPROVED, "reviewer"),
        (Event.WENT_LIVE, "reviewer"),
        (Event.RE_REVIEWED, "reviewer"),
        (Event.ARCHIVED, "editor"),
        (Event.RESTORED, "editor"),
    ]
    assert article.events.get(kind=Event.SENT_BACK).comment == "Add a source."


def test_history_is_append_only(publish):
    event = publish().events.first()
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError, match="cannot be rewritten"):
        event.save()
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        event.delete()


# --- review_due ------------------------------------------------------------------------------


@pytest.fixture
def due_articles(publish, second_reviewer, editor):
    overdue = published_on(publish, "2025-10-01 10:00Z", slug="overdue-one", title="Overdue one")
    due_soon = published_on(publish, "2025-12-05 10:00Z", slug="due-soon-one", title="Due soon one")
    published_on(publish, "2026-06-01 10:00Z", slug="not-due", title="Not due")
    lifecycle.assign_reviewer(article=due_soon, reviewer=second_reviewer.person, user=editor)
    return overdue, due_soon


def test_review_due_json_lists_due_and_overdue_articles_per_reviewer(due_articles, capsys):
    import json

    with time_machine.travel("2026-11-21 12:00Z", tick=False):
        call_command("review_due", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-11-21" and data["due_soon_window_days"] == 30
    assert data["reviewers"] == [
        {
            "reviewer": {"slug": "ana-rivera", "name": "Ana Rivera", "credentials": "MD, FACEP"},
            "overdue": [
                {
                    "slug": "overdue-one",
                    "title": "Overdue one",
                    "next_review_due": "2026-10-01",
                    "days_overdue": 51,
                    "url": "/articles/overdue-one/",
                }
            ],
            "due_soon": [],
        },
        {
            "reviewer": {"slug": "dee-park", "name": "Dee Park", "credentials": "MD"},
            "overdue": [],
            "due_soon": [
                {
                    "slug": "due-soon-one",
                    "title": "Due soon one",
                    "next_review_due": "2026-12-05",
                    "days_overdue": 0,
                    "url": "/articles/due-soon-one/",
                }
            ],
        },
    ]


def test_review_due_prints_a_readable_list_and_emails_each_reviewer(
    due_articles, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-21 12:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("review_due", "--notify")
    out = capsys.readouterr().out
    assert "OVERDUE  2026-10-01  Overdue one (51 days late)" in out
    assert "due soon 2026-12-05  Due soon one" in out
    assert "Emailed 1 reviewer(s)." in out
    assert "Not emailed (no account or email address, or opted out): Ana Rivera" in out
    assert [m.to for m in mailoutbox] == [["dee@example.org"]]
    assert "Due soon one" in mailoutbox[0].body


def test_review_due_digest_is_not_sent_to_a_reviewer_who_opted_out(
    due_articles, second_reviewer, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=second_reviewer.person.pk).update(email_notifications=False)
    with time_machine.travel("2026-11-21 12:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("review_due", "--notify")
    out = capsys.readouterr().out
    assert mailoutbox == []
    assert "Emailed 0 reviewer(s)." in out
    assert "Dee Park (opted out of review emails)" in out


def test_review_due_digest_has_html_and_links_to_each_re_review_page(
    due_articles, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-21 12:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("review_due", "--notify")
    (message,) = mailoutbox
    due_soon = due_articles[1]
    link = settings.SPASMINFO_SITE_URL + reverse("admin:articles_article_rereview", args=[due_soon.pk])
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html


def test_review_due_reads_two_queries_however_many_articles_and_reviewers_are_due(
    due_articles, publish, capsys, django_assert_num_queries
):
    for n in range(3):
        published_on(publish, f"2025-09-0{n + 1} 10:00Z", slug=f"more-overdue-{n}", title=f"More overdue {n}")
    with time_machine.travel("2026-11-21 12:00Z", tick=False), django_assert_num_queries(2):
        call_command("review_due")  # the due articles as rows, then their reviewers
    out = capsys.readouterr().out
    assert out.count("OVERDUE") == 4 and "Dee Park" in out and "Ana Rivera" in out


def test_review_due_says_so_when_nothing_is_due(db, capsys):
    call_command("review_due")
    assert "Nothing is due." in capsys.readouterr().out


def test_never_reviewed_articles_are_found(draft_factory):
    version = draft_factory()
    assert list(Article.objects.never_reviewed()) == [version.article]
    assert ArticleVersion.objects.filter(status__in=ArticleVersion.OPEN_STATUSES).count() == 1


def test_readers_see_an_overdue_notice_until_the_re_review(publish, reader, reviewer):
    article = published_on(publish, "2026-01-10 10:00Z")
    with time_machine.travel("2027-01-12 12:00Z", tick=False):
        page = reader.get(article.get_absolute_url()).content.decode()
        assert "overdue for review" in page.lower()
        services.re_review_live_version(
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        page = reader.get(article.get_absolute_url()).content.decode()
    assert "overdue for review" not in page.lower()
    assert "12 January 2027" in page
