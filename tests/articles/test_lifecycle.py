"""An article's life beside its versions (articles/lifecycle.py) and its review cycle: due dates,
re-review, overdue policy, scheduling, archiving, assignment, history; and the emergency
take-down by a medical reviewer, which a new sign-off undoes."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, queues, services, workflow
from articles.models import Article, ArticleEvent, ArticleVersion, Review
from articles.models.history import AppendOnlyError

Event = ArticleEvent.Kind


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


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


# --- never reviewed, and the overdue notice ----------------------------------------------------


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


# --- emergency take-down: a medical reviewer takes a dangerous article down at once -----------------


@pytest.fixture
def live(publish):
    return publish(slug="dangerous", title="Dangerous advice", body="Drink seawater for cramps [@1].")


def take_down(article, user, reason="Advice under medical review."):
    return lifecycle.take_down_article(article=article, user=user, reason=reason)


def test_readers_get_410_withdrawn_for_medical_review_and_none_of_the_old_text(live, reviewer, reader):
    take_down(live, reviewer)
    response = reader.get("/articles/dangerous/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "withdrawn for medical review" in page
    assert "seawater" not in page.lower() and "Dangerous advice" not in page
    assert 'name="robots" content="noindex"' in page


def test_an_earlier_address_of_a_taken_down_article_is_gone_too(live, reviewer, reader):
    live.slug = "renamed"
    live.save()
    take_down(live, reviewer)
    assert reader.get("/articles/dangerous/").status_code == 410
    assert reader.get("/articles/renamed/").status_code == 410


def test_it_leaves_every_list_search_feed_and_sitemap(live, reviewer, reader, publish):
    publish(slug="other", title="Other article")
    pages = [
        reverse("articles:home"),
        reverse("articles:article_index"),
        reverse("articles:search") + "?q=seawater",
        reverse("articles:search") + "?q=dangerous",
        reverse("articles:feed"),
        "/sitemap.xml",
    ]
    assert any("/articles/dangerous/" in reader.get(url).content.decode() for url in pages)
    take_down(live, reviewer)
    cache.clear()  # rate limits
    for url in pages:
        body = reader.get(url).content.decode().lower().replace("q=seawater", "").replace("seawater |", "")
        assert "/articles/dangerous/" not in body and "drink seawater" not in body, url
    assert not Article.objects.live().filter(pk=live.pk).exists()
    assert not Article.objects.overdue().filter(pk=live.pk).exists()  # nobody is asked to re-review it


def test_it_leaves_the_page_cache_at_once(live, reviewer, settings, django_capture_on_commit_callbacks):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    assert Client().get("/articles/dangerous/").status_code == 200
    assert Client().get("/articles/dangerous/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        take_down(live, reviewer)
    assert Client().get("/articles/dangerous/").status_code == 410
    assert "/articles/dangerous/" not in Client().get(reverse("articles:home")).content.decode()
    cache.clear()


def test_the_timeline_records_who_and_why(live, reviewer):
    take_down(live, reviewer, reason="Dosage advice is wrong.")
    event = live.events.get(kind=Event.TAKEN_DOWN)
    assert event.user == reviewer and event.comment == "Dosage advice is wrong."
    assert event.version.number == 1
    live.refresh_from_db()
    assert live.is_taken_down and live.live_version is None


def test_a_reason_is_required(live, reviewer):
    with pytest.raises(workflow.WorkflowError, match="reason is required"):
        take_down(live, reviewer, reason="   ")
    assert Article.objects.live().filter(pk=live.pk).exists()


def test_editors_cannot_take_an_article_down(live, editor):
    with pytest.raises(workflow.NotAllowed):
        take_down(live, editor)
    assert Article.objects.live().filter(pk=live.pk).exists()


def test_a_superuser_can(live, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    take_down(live, root)
    assert Client().get("/articles/dangerous/").status_code == 410


def test_neither_restore_nor_re_review_brings_it_back(live, reviewer, editor):
    lifecycle.archive_article(article=live, user=editor)
    take_down(live, reviewer)
    lifecycle.restore_article(article=live, user=editor)
    with pytest.raises(workflow.WorkflowError, match="no live version"):
        services.re_review_live_version(article=live, reviewer=reviewer.person, seen_fingerprint="", user=reviewer)
    assert Client().get("/articles/dangerous/").status_code == 410


def test_a_new_sign_off_brings_it_back(live, reviewer, editor, submit, approve):
    take_down(live, reviewer)
    draft = services.start_draft(article=live, user=editor)
    assert draft.based_on.number == 1
    draft.body = "Drink water and stretch [@1]."
    draft.save()
    approve(submit(draft))
    live.refresh_from_db()
    assert live.live_version == draft and live.taken_down_at is None
    page = Client().get("/articles/dangerous/")
    assert page.status_code == 200 and "stretch" in page.content.decode()


def test_a_go_live_scheduled_before_the_take_down_is_cancelled(live, reviewer, editor, submit):
    draft = services.start_draft(article=live, user=editor)
    submit(draft)
    draft.refresh_from_db()
    services.approve_version(
        version=draft,
        reviewer=reviewer.person,
        seen_fingerprint=draft.submitted_fingerprint,
        user=reviewer,
        go_live_at=timezone.now() + datetime.timedelta(hours=1),
    )
    take_down(live, reviewer)
    assert services.publish_due(now=timezone.now() + datetime.timedelta(hours=2)) == {"published": [], "archived": []}
    assert Client().get("/articles/dangerous/").status_code == 410
    assert live.events.filter(kind=Event.SCHEDULED, comment__contains="cancelled by the take-down").exists()


def test_the_editor_and_the_signing_reviewer_are_emailed(
    live, author_reviewer, reviewer, editor, django_capture_on_commit_callbacks, mailoutbox
):
    User.objects.filter(pk=editor.pk).update(email="editor@example.org")
    User.objects.filter(pk=reviewer.pk).update(email="rivera@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        take_down(live, author_reviewer, reason="Under review.")
    assert sorted(m.to[0] for m in mailoutbox) == ["editor@example.org", "rivera@example.org"]
    assert all("Taken down: Dangerous advice" in m.subject and "Under review." in m.body for m in mailoutbox)


# --- the take-down in the admin ---------------------------------------------------------------------------------


def test_the_admin_asks_for_the_reason_before_taking_it_down(live, reviewer):
    client = Client()
    client.force_login(reviewer)
    change = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    url = reverse("admin:articles_article_takedown", args=[live.pk])
    assert url in change
    page = client.get(url)
    assert page.status_code == 200 and "Take it down now" in page.content.decode()
    assert Article.objects.live().filter(pk=live.pk).exists()  # opening the page is not the take-down
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "reason is required" in refused.content.decode()
    done = client.post(url, {"reason": "Wrong dose."})
    assert done.status_code == 302
    assert not Article.objects.live().filter(pk=live.pk).exists()
    change = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    assert "Taken down" in change and "Wrong dose." in change


def test_editors_are_not_offered_the_take_down_and_are_refused(live, editor):
    client = Client()
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    url = reverse("admin:articles_article_takedown", args=[live.pk])
    assert url not in change
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Article.objects.live().filter(pk=live.pk).exists()


def test_the_article_list_filters_taken_down_articles(live, reviewer, publish):
    publish(slug="fine", title="Fine")
    take_down(live, reviewer)
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("admin:articles_article_changelist") + "?status=taken_down").content.decode()
    assert "Dangerous advice" in page and "Taken down" in page and ">Fine<" not in page


def test_editors_and_reviewers_see_it_waiting_on_the_admin_index(live, reviewer, editor):
    take_down(live, reviewer, reason="Dosage advice is wrong.")
    for user in (editor, reviewer):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("admin:index")).content.decode()
        queue = page[page.index('id="taken-down"') :]
        assert "dangerous" in queue[:600] and "Dosage advice is wrong." in queue[:600]
    services.start_draft(article=live, user=editor)
    assert list(queues.taken_down()) == [live]  # a draft is not a sign-off: still waiting
