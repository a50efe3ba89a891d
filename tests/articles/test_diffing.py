"""Compare any two versions, and a resubmitted sent-back version opens on what changed since
the reviewer's comment (articles/diffing.py). `two_versions` is in tests/articles/conftest.py."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, Review

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


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
