"""No assignment leaves an article that nobody may sign off, unnoticed."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import lifecycle, queues, services, workflow
from articles.models import Article, VersionAuthor


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def written_by_the_reviewer(draft_factory, reviewer):
    """A draft whose only author is Dr Rivera, a medical reviewer."""
    return draft_factory(author=reviewer.person)


def test_assigning_an_author_of_the_open_version_is_refused_with_a_reason(written_by_the_reviewer, editor, reviewer):
    article = written_by_the_reviewer.article

    with pytest.raises(workflow.NotAllowed, match=r"Ana Rivera is an author of version 1.*not an author"):
        lifecycle.assign_reviewer(article=article, reviewer=reviewer.person, user=editor)

    assert Article.objects.get(pk=article.pk).assigned_reviewer is None


def test_a_reviewer_who_did_not_write_it_can_be_assigned(written_by_the_reviewer, editor, author_reviewer):
    article = written_by_the_reviewer.article
    lifecycle.assign_reviewer(article=article, reviewer=author_reviewer.person, user=editor)

    assert Article.objects.get(pk=article.pk).assigned_reviewer == author_reviewer.person


def test_the_admin_form_refuses_the_assignment_with_the_reason(written_by_the_reviewer, editor, reviewer):
    article = written_by_the_reviewer.article
    client = client_for(editor)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(change_url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update({"assigned_reviewer": reviewer.person.pk, "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert "is an author of version 1" in response.context["adminform"].form.errors["assigned_reviewer"][0]
    assert Article.objects.get(pk=article.pk).assigned_reviewer is None


def test_a_version_its_assigned_reviewer_wrote_shows_in_the_editors_queue(
    draft_factory, submit, editor, reviewer, author_reviewer
):
    version = draft_factory()
    lifecycle.assign_reviewer(article=version.article, reviewer=reviewer.person, user=editor)
    VersionAuthor.objects.create(version=version, person=reviewer.person, position=1)  # added after assignment
    submit(version)

    assert list(queues.needing_a_reviewer_who_is_not_an_author()) == [version]
    page = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "Needs a reviewer who is not an author (1)" in page
    assert "assigned to Ana Rivera, an author of this version" in page


def test_an_unassigned_version_every_reviewer_wrote_shows_in_the_editors_queue(
    draft_factory, editor, reviewer, author_reviewer, writer
):
    version = draft_factory(author=reviewer.person)
    assert not queues.needing_a_reviewer_who_is_not_an_author().exists()  # Dr Okoro may still sign it off

    VersionAuthor.objects.create(version=version, person=author_reviewer.person, position=1)

    assert list(queues.needing_a_reviewer_who_is_not_an_author()) == [version]
    page = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "every medical reviewer is an author of this version" in page


def test_a_version_someone_may_sign_off_is_not_in_that_queue(draft_factory, submit, reviewer, editor):
    submit(draft_factory())

    assert not queues.needing_a_reviewer_who_is_not_an_author().exists()
    assert (
        "Needs a reviewer who is not an author" not in client_for(editor).get(reverse("admin:index")).content.decode()
    )


def test_the_sign_off_buttons_are_not_offered_to_an_author(written_by_the_reviewer, submit, reviewer):
    version = submit(written_by_the_reviewer)
    client = client_for(reviewer)

    review_page = client.get(reverse("admin:articles_articleversion_review", args=[version.pk])).content.decode()
    change_page = client.get(reverse("admin:articles_articleversion_change", args=[version.pk])).content.decode()

    assert 'value="approve"' not in review_page
    assert 'value="send_back"' not in review_page
    refusal = services.sign_off_refusal(version, reviewer.person, reviewer)
    assert refusal == "Ana Rivera is an author of this version and cannot review it."
    assert refusal in review_page
    assert refusal in change_page
    with pytest.raises(workflow.NotAllowed, match=refusal):  # the server says the same
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
        )


def test_the_sign_off_buttons_are_offered_to_a_reviewer_the_server_accepts(draft_factory, submit, reviewer):
    version = submit(draft_factory())

    review_page = client_for(reviewer).get(reverse("admin:articles_articleversion_review", args=[version.pk]))

    assert services.sign_off_refusal(version, reviewer.person, reviewer) == ""
    assert 'value="approve"' in review_page.content.decode()
    assert "You cannot sign off" not in review_page.content.decode()
