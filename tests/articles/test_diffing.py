"""Roll back to an earlier signed-off version, compare any two versions, and a
resubmitted sent-back version opens on what changed since the reviewer's comment."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import services, workflow
from articles.models import Article, ArticleEvent, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(publish, editor, submit, approve):
    """v1 ("Rest helps") was live; v2 ("Stretch helps") is live now."""
    article = publish(slug="cramps", title="Cramps", body="Rest helps [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Stretch helps [@1]."
    draft.save()
    approve(submit(draft))
    article.refresh_from_db()
    return article, article.versions.get(number=1), article.versions.get(number=2)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_draft_started_from_an_earlier_version_copies_it_and_readers_keep_the_live_one(two_versions, editor):
    article, v1, v2 = two_versions
    draft = services.start_draft(article=article, user=editor, from_version=v1)
    assert (draft.number, draft.based_on, draft.status) == (3, v1, "draft")
    assert draft.body.startswith("Rest helps [@") and draft.references.count() == 1  # cited by key from now on
    assert list(draft.author_links.values_list("person_id", flat=True)) == list(
        v1.author_links.values_list("person_id", flat=True)
    )
    assert "rollback" in article.events.filter(kind=ArticleEvent.Kind.CREATED, version=draft).get().comment
    article.refresh_from_db()
    assert article.live_version == v2
    assert "Stretch helps" in Client().get("/articles/cramps/").content.decode()


def test_the_rolled_back_draft_goes_through_review_like_any_draft(two_versions, editor, submit, approve):
    article, v1, _ = two_versions
    draft = services.start_draft(article=article, user=editor, from_version=v1)
    approve(submit(draft))
    assert "Rest helps" in Client().get("/articles/cramps/").content.decode()


def test_a_rollback_is_refused_while_another_version_is_open(two_versions, editor):
    article, v1, _ = two_versions
    open_draft = services.start_draft(article=article, user=editor)
    with pytest.raises(workflow.WorkflowError, match=f"Version {open_draft.number} is open"):
        services.start_draft(article=article, user=editor, from_version=v1)


def test_only_a_signed_off_version_of_the_same_article_can_be_rolled_back_to(two_versions, editor, draft_factory):
    article, _, _ = two_versions
    other = draft_factory(slug="other")
    with pytest.raises(workflow.WorkflowError, match="signed-off version of the same article"):
        services.start_draft(article=article, user=editor, from_version=other)


def test_the_version_page_offers_start_a_draft_from_this_version(two_versions, editor):
    article, v1, v2 = two_versions
    client = client_for(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[v1.pk])).content.decode()
    assert "Start a draft from this version" in page
    live_page = client.get(reverse("admin:articles_articleversion_change", args=[v2.pk])).content.decode()
    assert "Start a draft from this version" not in live_page  # the live one: "Edit content" on the article
    response = client.post(reverse("admin:articles_articleversion_rollback", args=[v1.pk]))
    draft = article.versions.get(number=3)
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("admin:articles_articleversion_change", args=[draft.pk])
    )
    assert draft.based_on == v1


def test_reviewers_are_not_offered_a_rollback_and_cannot_post_one(two_versions, reviewer):
    article, v1, _ = two_versions
    client = client_for(reviewer)
    page = client.get(reverse("admin:articles_articleversion_change", args=[v1.pk])).content.decode()
    assert "Start a draft from this version" not in page
    client.post(reverse("admin:articles_articleversion_rollback", args=[v1.pk]))
    assert article.versions.count() == 2


def test_any_two_versions_can_be_compared(two_versions, editor, reviewer):
    article, _, _ = two_versions
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Stretch and drink water [@1]."
    draft.save()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    page = client_for(reviewer).get(f"{url}?from=1&to=3").content.decode()
    assert "From <a" in page and "version 1</a> to" in page
    assert "<del>Rest helps" in page and "<ins>Stretch and drink water" in page
    page = client_for(editor).get(f"{url}?from=3&to=1").content.decode()  # either way round
    assert "<del>Stretch and drink water" in page and "<ins>Rest helps" in page
    default = client_for(editor).get(url).content.decode()  # the latest against the one before it
    assert "version 2</a> to" in default and "version 3</a>" in default


def test_a_resubmitted_sent_back_version_opens_on_the_changes_since_it_was_sent_back(
    two_versions, editor, reviewer, submit
):
    article, _, _ = two_versions
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Cramps, explained"
    draft.body = draft.body + " Heat may help."
    draft.save()
    submit(draft)
    services.send_back_version(
        version=draft, reviewer=reviewer.person, comment="Cite the claim about heat.", user=reviewer
    )
    draft.refresh_from_db()
    draft.body = draft.body.replace("Heat may help.", "Heat may help [@muscle-cramps].")
    draft.save()
    submit(draft)

    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[draft.pk])).content.decode()
    assert "Changes since it was sent back" in page
    assert "Cite the claim about heat." in page  # the comment beside the changes
    diff = page[page.index('id="version-diff"') : page.index('id="sent-back-comment"')]
    assert "<del>help.</del> <ins>help [@muscle-cramps].</ins>" in diff
    assert "Title" not in diff  # the title changed before the send-back, not since

    against_live = client_for(reviewer).get(
        reverse("admin:articles_articleversion_review", args=[draft.pk]) + "?against=live"
    )
    assert "What changed since live version 2" in against_live.content.decode()
    assert "<h3>Title</h3>" in against_live.content.decode()


def test_a_send_back_keeps_what_the_comment_was_about(two_versions, editor, reviewer, submit):
    article, _, _ = two_versions
    draft = submit(services.start_draft(article=article, user=editor))
    review = services.send_back_version(version=draft, reviewer=reviewer.person, comment="No.", user=reviewer)
    shown = Review.objects.get(pk=review.pk).content_shown
    assert shown["text"]["Body"] == "Stretch helps [@muscle-cramps]." and shown["items"]["References"]


def test_a_first_version_without_a_send_back_shows_no_diff_section(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[version.pk]))
    assert "Changes since it was sent back" not in page.content.decode()
    assert Article.objects.count() == 1
