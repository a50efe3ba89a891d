"""'Was this helpful?': anonymous, one vote per browser per article, CSRF-protected, counted for editors."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reader.models import HelpfulVote

pytestmark = pytest.mark.django_db


def vote(client, article, answer):
    return client.post(reverse("articles:helpful_vote", args=[article.slug]), {"helpful": answer})


def test_votes_are_counted_once_per_browser_and_shown_as_n_of_m(publish):
    article = publish()
    first, second, third = Client(), Client(), Client()
    assert "No one has rated this article yet." in first.get(article.get_absolute_url()).content.decode()

    response = vote(first, article, "yes")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?voted=1#helpful"
    vote(first, article, "no")  # a second vote from the same browser changes nothing
    vote(second, article, "yes")
    vote(third, article, "no")

    assert HelpfulVote.objects.filter(article=article).count() == 3
    page = first.get(article.get_absolute_url()).content.decode()
    assert "2 of 3 found this helpful" in page
    assert "you told us this article was helpful" in page and 'name="helpful"' not in page
    assert 'name="helpful" value="yes"' in Client().get(article.get_absolute_url()).content.decode()


def test_the_browser_keeps_a_random_token_and_the_database_only_its_hmac(publish):
    article = publish()
    client = Client()
    vote(client, article, "yes")
    cookie = client.cookies[settings.SPASMINFO_VOTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    stored = HelpfulVote.objects.get().voter
    assert cookie.value not in stored and len(stored) == 64
    # a forged or garbled cookie is replaced, not trusted
    forger = Client()
    forger.cookies[settings.SPASMINFO_VOTER_COOKIE] = "not-a-token"
    vote(forger, article, "no")
    assert forger.cookies[settings.SPASMINFO_VOTER_COOKIE].value != "not-a-token"
    assert HelpfulVote.objects.count() == 2


def test_one_browser_votes_once_on_each_article(publish):
    first, second = publish(slug="one", title="One"), publish(slug="two", title="Two")
    client = Client()
    vote(client, first, "yes")
    vote(client, second, "no")
    assert sorted(HelpfulVote.objects.values_list("article__slug", "helpful")) == [("one", True), ("two", False)]


def test_votes_need_csrf_a_post_and_a_live_article(publish, draft_factory):
    article = publish()
    strict = Client(enforce_csrf_checks=True)
    assert vote(strict, article, "yes").status_code == 403
    # The page carries no token (every reader gets the same bytes); static/js/csrf.js fetches one.
    token = strict.get(reverse("articles:csrf_token")).json()["token"]
    response = strict.post(
        reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    client = Client()
    assert client.get(reverse("articles:helpful_vote", args=[article.slug])).status_code == 405
    assert vote(client, article, "maybe").status_code == 400
    draft = draft_factory(slug="draft-only", title="Draft only")
    assert vote(client, draft.article, "yes").status_code == 404
    assert HelpfulVote.objects.count() == 1


def test_editors_see_the_counts_in_the_admin(publish, editor, reviewer):
    article = publish()
    vote(Client(), article, "yes")
    vote(Client(), article, "no")
    vote(Client(), article, "yes")
    for user in (editor, reviewer):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("admin:reader_articlefeedback_changelist"))
        assert response.status_code == 200, user
        page = response.content.decode()
        assert "2 of 3" in page and "Night cramps" in page
        # read-only: nobody adds or edits votes there
        assert client.get(reverse("admin:reader_articlefeedback_add")).status_code == 403
