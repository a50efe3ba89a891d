"""Who has what to do (articles/queues.py): no assignment leaves an article that nobody may sign
off, unnoticed; `review_due` lists, per reviewer, what is due soon and overdue, and emails it."""

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import lifecycle, queues, services, workflow
from articles.models import Article, Person, VersionAuthor
from tests.articles.test_lifecycle import published_on


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
    assert refusal == "Ana Rivera is an author of this version, so another reviewer signs this off."
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


# --- review_due -------------------------------------------------------------------------------------


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
