"""Comments on the version's page and the review page, over the admin's views."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import ReviewComment
from tests.security.hostile_inputs import corpus


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(draft_factory, submit):
    return submit(draft_factory(body="Cramps at night are common [@1]. Quinine helps everyone."))


def review_url(version):
    return reverse("admin:articles_articleversion_review", args=[version.pk])


def comment(client, version, **fields):
    data = {"quote": "Quinine helps everyone.", "text": "Not advised.", "next": review_url(version), **fields}
    return client.post(reverse("admin:comments_reviewcomment_add_to", args=[version.pk]), data)


def test_the_review_page_withholds_the_sign_off_button_and_says_why(submitted, reviewer):
    client = client_for(reviewer)
    assert "Yes, sign off and publish" in client.get(review_url(submitted)).content.decode()
    response = comment(client, submitted, clinical="on")
    assert response.status_code == 302 and response["Location"] == review_url(submitted) + "#review-comments"

    page = client.get(review_url(submitted)).content.decode()
    assert "Yes, sign off and publish" not in page
    assert 'id="sign-off-withheld"' in page and "Not advised." in page
    assert "Send back with comments" in page  # sending back stays possible


def test_a_signed_in_sign_off_is_refused_while_the_concern_is_open(submitted, reviewer):
    client = client_for(reviewer)
    comment(client, submitted, clinical="on")
    response = client.post(
        review_url(submitted), {"decision": "approve", "fingerprint": submitted.compute_fingerprint(), "comment": ""}
    )
    assert response.status_code == 400 and "Something open holds the sign-off" in response.content.decode()


def test_a_refused_comment_keeps_what_was_typed(submitted, reviewer):
    client = client_for(reviewer)
    response = comment(client, submitted, quote="Not a passage of this text", text="My careful note.")
    page = client.get(response["Location"]).content.decode()
    assert "Your comment was not added: That passage is not in the text" in page
    assert "My careful note.</textarea>" in page


def test_the_editor_sees_the_thread_on_the_draft_form_and_resolves_it(submitted, reviewer, editor):
    comment(client_for(reviewer), submitted, clinical="on")
    [made] = ReviewComment.objects.all()
    client = client_for(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[submitted.pk])).content.decode()
    assert "Clinical concern" in page and 'id="sign-off-held"' in page
    client.post(reverse("admin:comments_reviewcomment_reply", args=[made.pk]), {"text": "Removed it."})
    client.post(reverse("admin:comments_reviewcomment_resolve", args=[made.pk]))
    made.refresh_from_db()
    assert made.resolved_by == editor and made.replies.get().text == "Removed it."


def test_a_foreign_next_address_is_not_followed(submitted, reviewer):
    response = comment(client_for(reviewer), submitted, next="https://evil.example/")
    assert response["Location"].startswith("/admin/articles/articleversion/")


def test_hostile_comments_are_shown_as_text(draft_factory, submit, reviewer):
    payloads = [payload for _, payload in corpus()]
    version = submit(draft_factory(body="\n\n".join(["Plain start."] + [p.replace("\n", " ") for p in payloads])))
    client = client_for(reviewer)
    for payload in payloads[:40]:
        comment(client, version, quote="Plain start.", text=payload, clinical="on")
    page = client.get(review_url(version)).content.decode()
    panel = page[page.index('id="review-comments"') :]
    assert "<script>__xss" not in panel and "<img src=x onerror" not in panel
    assert ReviewComment.objects.count() == 40
