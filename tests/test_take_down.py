"""A medical reviewer takes a dangerous article down at once; a new sign-off brings it back."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, queues, services, workflow
from articles.models import Article, ArticleEvent

pytestmark = pytest.mark.django_db

Event = ArticleEvent.Kind


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


# --- the admin ---------------------------------------------------------------------------------


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
