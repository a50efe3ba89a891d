"""The admin as editors and reviewers use it: pages load, buttons do what they say,
and the server refuses what a role may not do even when the button is hidden."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleVersion

Status = ArticleVersion.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(draft_factory, submit):
    return submit(draft_factory())


ADMIN_LISTS = [
    "admin:index",
    "admin:articles_article_changelist",
    "admin:articles_articleversion_changelist",
    "admin:articles_person_changelist",
    "admin:articles_review_changelist",
    "admin:taxonomy_cause_changelist",
    "admin:taxonomy_topic_changelist",
]


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_admin_pages_load_for_editors_and_reviewers(role, request, publish, submitted):
    client = client_for(request.getfixturevalue(role))
    live = publish(slug="live-one")
    for name in ADMIN_LISTS:
        assert client.get(reverse(name)).status_code == 200, name
    for url in [
        reverse("admin:articles_article_change", args=[live.pk]),
        reverse("admin:articles_articleversion_change", args=[live.live_version_id]),
        reverse("admin:articles_articleversion_change", args=[submitted.pk]),
        reverse("admin:articles_articleversion_preview", args=[submitted.pk]),
        reverse("admin:articles_article_changelist") + "?status=submitted",
        reverse("admin:articles_article_changelist") + "?q=night",
    ]:
        assert client.get(url).status_code == 200, url


def test_article_list_shows_status_live_version_and_review_dates(publish, editor, draft_factory):
    live = publish(slug="live-one", title="A live article")
    draft_factory(slug="only-a-draft", title="Only a draft")
    page = client_for(editor).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "A live article" in page and "Only a draft" in page
    assert f"Live v{live.live_version.number}" in page
    assert f"{live.next_review_due:%d %b %Y}" in page


def test_an_editor_adds_an_article_and_lands_on_its_first_draft(editor, topic):
    client = client_for(editor)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "Heat cramps", "slug": "heat-cramps", "topic": topic.pk, "review_interval_months": ""},
    )
    draft = ArticleVersion.objects.get(article__slug="heat-cramps")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[draft.pk])
    assert (draft.number, draft.status, draft.title, draft.created_by) == (1, Status.DRAFT, "Heat cramps", editor)


def test_an_invalid_new_article_shows_errors_and_keeps_what_was_typed(editor, topic, publish):
    publish(slug="taken")
    response = client_for(editor).post(
        reverse("admin:articles_article_add"), {"title": "Typed title", "slug": "taken", "topic": topic.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Article with this Slug already exists" in page
    assert 'value="Typed title"' in page


def test_an_editor_submits_a_draft_from_its_page(draft_factory, editor):
    draft = draft_factory()
    client = client_for(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[draft.pk])).content.decode()
    assert "Submit for review" in page
    client.post(reverse("admin:articles_articleversion_submit", args=[draft.pk]))
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_submitting_an_incomplete_draft_explains_what_is_missing(editor, topic):
    client = client_for(editor)
    client.post(reverse("admin:articles_article_add"), {"title": "Empty", "slug": "empty", "topic": topic.pk})
    draft = ArticleVersion.objects.get(article__slug="empty")
    response = client.post(reverse("admin:articles_articleversion_submit", args=[draft.pk]), follow=True)
    assert "it needs a body" in response.content.decode()
    assert ArticleVersion.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_submitted_version_is_read_only_for_editors(submitted, editor):
    client = client_for(editor)
    url = reverse("admin:articles_articleversion_change", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert 'name="title"' not in page
    response = client.post(url, {"title": "Sneaky edit", "body": "My unsaved paragraph."})
    assert response.status_code == 409
    assert "can no longer be edited" in response.content.decode()
    assert "My unsaved paragraph." in response.content.decode()  # the editor's text is not lost
    assert ArticleVersion.objects.get(pk=submitted.pk).title == "Night cramps"


def test_edit_content_on_a_live_article_opens_a_copy_of_the_live_version(publish, editor):
    article = publish()
    client = client_for(editor)
    assert "Edit content" in client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    response = client.post(reverse("admin:articles_article_edit", args=[article.pk]))
    draft = article.versions.get(status=Status.DRAFT)
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[draft.pk])
    assert draft.references.count() == 1 and draft.cause_links.count() == 1 and draft.author_links.count() == 1


def test_a_reviewer_signs_off_from_the_review_page(submitted, reviewer, reader):
    client = client_for(reviewer)
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert submitted.submitted_fingerprint in page
    assert "Sign off and publish" in page
    client.post(url, {"decision": "approve", "fingerprint": submitted.submitted_fingerprint})
    article = Article.objects.get(pk=submitted.article_id)
    assert article.live_version_id == submitted.pk
    assert reader.get(article.get_absolute_url()).status_code == 200


def test_a_reviewer_sends_back_with_a_comment_the_editor_then_sees(submitted, reviewer, editor):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    client_for(reviewer).post(url, {"decision": "send_back", "comment": "Add the 2020 guideline.", "fingerprint": "x"})
    page = client_for(editor).get(reverse("admin:articles_articleversion_change", args=[submitted.pk])).content.decode()
    assert "Add the 2020 guideline." in page
    assert ArticleVersion.objects.get(pk=submitted.pk).status == Status.SENT_BACK


def test_sending_back_without_a_comment_keeps_the_page_and_what_was_typed(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "send_back", "comment": "   ", "fingerprint": "x"})
    assert response.status_code == 400
    assert "comment is required" in response.content.decode()


def test_approving_with_a_stale_fingerprint_is_refused_with_a_clear_message(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "approve", "fingerprint": "0" * 64})
    assert response.status_code == 409
    assert "changed while you were reading" in response.content.decode()
    assert Article.objects.get(pk=submitted.article_id).live_version is None


def test_a_reviewer_cannot_sign_off_their_own_writing_in_the_admin(draft_factory, submit, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    url = reverse("admin:articles_articleversion_review", args=[version.pk])
    response = client_for(author_reviewer).post(
        url, {"decision": "approve", "fingerprint": version.submitted_fingerprint}
    )
    assert response.status_code == 400
    assert "cannot review it" in response.content.decode()


def test_an_editor_cannot_open_or_post_the_review_page(submitted, editor):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    client = client_for(editor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "fingerprint": submitted.submitted_fingerprint}).status_code == 403
    assert Article.objects.get(pk=submitted.article_id).live_version is None


def test_a_reviewer_cannot_edit_content(draft_factory, reviewer):
    draft = draft_factory()
    client = client_for(reviewer)
    assert (
        client.post(reverse("admin:articles_articleversion_change", args=[draft.pk]), {"title": "x"}).status_code == 403
    )
    assert client.post(reverse("admin:articles_article_edit", args=[draft.article_id])).status_code == 302
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert ArticleVersion.objects.get(pk=draft.pk).title == "Night cramps"


def test_a_signed_off_version_shows_read_only_even_to_a_superuser(publish, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", password="pw")
    version = publish().live_version
    client = client_for(admin_user)
    url = reverse("admin:articles_articleversion_change", args=[version.pk])
    assert 'name="title"' not in client.get(url).content.decode()
    assert client.post(url, {"title": "x"}).status_code == 409
    assert ArticleVersion.objects.get(pk=version.pk).title == "Night cramps"


def test_a_review_without_a_decision_gets_the_forms_error_and_keeps_the_comment(submitted, reviewer):
    url = reverse("admin:articles_articleversion_review", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"decision": "publish-now", "comment": "Looks fine", "fingerprint": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose to sign off or to send back." in page
    assert ">Looks fine</textarea>" in page
    assert ArticleVersion.objects.get(pk=submitted.pk).status == Status.SUBMITTED
