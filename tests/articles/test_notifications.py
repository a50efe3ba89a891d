"""The people a workflow step concerns are told, by email, after it commits."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services, workflow
from articles.models import Person
from operations.queue import last_job_id, pending, run_due_jobs


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SPASMINFO_SITE_URL = "https://cms.example.org"


@pytest.fixture
def addresses(editor, reviewer, author_reviewer):
    User.objects.filter(pk=editor.pk).update(email="editor@example.org")
    User.objects.filter(pk=reviewer.pk).update(email="rivera@example.org")
    User.objects.filter(pk=author_reviewer.pk).update(email="okoro@example.org")


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def test_submitting_emails_every_reviewer_who_may_sign_it_off(
    draft_factory, submit, addresses, django_capture_on_commit_callbacks, author_reviewer
):
    version = draft_factory(author=author_reviewer.person)  # Dr Okoro wrote it: not asked
    with django_capture_on_commit_callbacks(execute=True):
        submit(version)

    assert [message.to for message in mail.outbox] == [["rivera@example.org"]]
    message = mail.outbox[0]
    link = f"https://cms.example.org/admin/articles/articleversion/{version.pk}/review/"
    assert message.subject == "[spasminfo] For review: Night cramps (v1)"
    assert link in message.body
    assert f'href="{link}"' in html_of(message)


def test_submitting_an_assigned_article_emails_only_its_reviewer(
    draft_factory, submit, editor, addresses, author_reviewer, django_capture_on_commit_callbacks
):
    version = draft_factory()
    lifecycle.assign_reviewer(article=version.article, reviewer=author_reviewer.person, user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(version)

    assert [message.to for message in mail.outbox] == [["okoro@example.org"]]


def test_assignment_emails_the_assignee_with_the_article_link(
    publish, editor, addresses, author_reviewer, django_capture_on_commit_callbacks
):
    article = publish()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.assign_reviewer(article=article, reviewer=author_reviewer.person, user=editor)

    (message,) = mail.outbox
    assert message.to == ["okoro@example.org"]
    assert message.subject == "[spasminfo] Assigned to you: Night cramps"
    assert f"https://cms.example.org/admin/articles/article/{article.pk}/change/" in message.body


def test_sending_back_emails_the_submitting_editor_with_the_comment(
    draft_factory, submit, reviewer, addresses, django_capture_on_commit_callbacks
):
    version = submit(draft_factory())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back_version(
            version=version, reviewer=reviewer.person, comment="Cite <b>2019</b>.", user=reviewer
        )

    (message,) = sent_to("editor@example.org")
    assert message.subject == "[spasminfo] Sent back: Night cramps (v1)"
    assert "Cite <b>2019</b>." in message.body  # plain text as typed
    assert "Cite &lt;b&gt;2019&lt;/b&gt;." in html_of(message)  # escaped in HTML
    assert f"https://cms.example.org/admin/articles/articleversion/{version.pk}/change/" in message.body


def test_sign_off_emails_the_submitting_editor(
    draft_factory, submit, approve, addresses, django_capture_on_commit_callbacks
):
    version = submit(draft_factory())
    with django_capture_on_commit_callbacks(execute=True):
        approve(version)

    (message,) = sent_to("editor@example.org")
    assert message.subject == "[spasminfo] Signed off: Night cramps (v1)"
    assert "It is now live." in message.body


def test_a_scheduled_go_live_emails_at_sign_off_and_when_it_goes_live(
    draft_factory, submit, reviewer, addresses, django_capture_on_commit_callbacks
):
    version = submit(draft_factory())
    go_live_at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_version(
            version=version,
            reviewer=reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=reviewer,
            go_live_at=go_live_at,
        )
    assert "It goes live at" in sent_to("editor@example.org")[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_due(now=go_live_at + datetime.timedelta(minutes=1))

    assert [m.subject for m in sent_to("editor@example.org")][-1] == "[spasminfo] Now live: Night cramps (v1)"


def test_a_person_who_opted_out_gets_nothing(
    draft_factory, submit, reviewer, addresses, django_capture_on_commit_callbacks
):
    Person.objects.filter(user=reviewer).update(email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft_factory())

    assert sent_to("rivera@example.org") == []
    assert len(sent_to("okoro@example.org")) == 1  # the other reviewer did not opt out


def test_nothing_is_sent_when_the_step_fails(draft_factory, editor, addresses, django_capture_on_commit_callbacks):
    version = draft_factory()
    version.body = ""
    version.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(workflow.IncompleteVersion):
        services.submit_version(version=version, user=editor)

    assert mail.outbox == []


def test_mail_is_a_job_of_the_step_sent_by_the_worker(draft_factory, submit, addresses):
    before = last_job_id()
    submit(draft_factory())

    assert mail.outbox == []  # the request sends nothing: two jobs wait in the queue
    assert pending("deliver_mail") == 2
    run_due_jobs(after=before)
    assert sorted(message.to[0] for message in mail.outbox) == ["okoro@example.org", "rivera@example.org"]


def test_the_opt_out_is_on_the_person_admin_page(addresses, reviewer, db):
    admin = User.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(admin)
    person = Person.objects.get(user=reviewer)

    page = client.get(reverse("admin:articles_person_change", args=[person.pk])).content.decode()

    assert 'name="email_notifications"' in page


def test_demo_accounts_get_example_addresses(db, editorial_groups):
    import io

    from django.core.management import call_command

    for slug in ("helena-marsh", "tomas-reyes"):
        Person.objects.create(name=slug, slug=slug, is_medical_reviewer=True)

    call_command("setup_demo", "--force", stdout=io.StringIO())

    assert User.objects.get(username="reviewer").email == "reviewer@example.org"
    assert User.objects.get(username="second_editor").email == "second.editor@example.org"


@pytest.mark.parametrize("title", ["Night\r\ncramps", "Night\ncramps", "Night\u2028cramps", "Night\x0bcramps"])
def test_a_title_with_a_line_break_still_gets_its_workflow_email_with_a_one_line_subject(
    draft_factory, submit, addresses, django_capture_on_commit_callbacks, title
):
    """A title saved around every check (older data, the shell) must not drop mail. Such a title
    can no longer be submitted, so it is written after the submission, and the mail sent again."""
    from articles import notifications

    version = submit(draft_factory())
    type(version).objects.filter(pk=version.pk).update(title=title)
    version.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.version_submitted(version)
    (message,) = sent_to("rivera@example.org")
    assert message.subject == "[spasminfo] For review: Night cramps (v1)"
    assert "\n" not in message.message()["Subject"]


def test_every_mail_goes_through_the_backend_that_makes_headers_one_line(settings):
    from operations.mail import EmailBackend

    assert settings.EMAIL_BACKEND == "operations.mail.EmailBackend"
    assert isinstance(mail.get_connection(), EmailBackend)
    mail.EmailMessage("Two\r\nlines", "Body.", None, ["someone@example.org"], headers={"X-Note": "a\nb"}).send()
    assert mail.outbox[-1].subject == "Two lines" and mail.outbox[-1].extra_headers["X-Note"] == "a b"
