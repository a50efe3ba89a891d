"""Email updates through Django's outbox: subscribe, confirm (double opt-in),
digest, one-click unsubscribe with List-Unsubscribe; purge_reader_data --email."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from operations.queue import last_job_id, run_due_jobs
from participation import updates
from participation.guard import issue
from participation.models import Question, Story, Subscription
from participation.updates import send_digests

pytestmark = pytest.mark.django_db


CAPTURE = []


@pytest.fixture(autouse=True)
def run_on_commit(django_capture_on_commit_callbacks):
    """The confirmation is sent once the subscription is committed: run those callbacks per request."""
    CAPTURE[:] = [django_capture_on_commit_callbacks]
    yield


def subscribe(client, email="reader@example.org", topic=""):
    with CAPTURE[0](execute=True):
        data = {"email": email, "topic": topic, "issued": issue("updates")}
        return client.post(reverse("participation:updates"), data)


def link(message, name):
    path = reverse(f"participation:{name}", args=["TOKEN"]).replace("TOKEN/", "")
    return re.search(rf"https?://[^\s]*{re.escape(path)}[^\s]+/", message.body).group(0)


def local(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_subscribe_confirm_digest_unsubscribe(publish, mailoutbox):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        publish(slug="old-news", title="Old news")
    reader = Client()
    response = subscribe(reader)
    assert response.status_code == 303
    assert "Check your inbox" in reader.get(response["Location"]).content.decode()
    (confirmation,) = mailoutbox
    assert confirmation.to == ["reader@example.org"]
    assert confirmation.extra_headers["List-Unsubscribe"].startswith("<http")
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert send_digests() == {"sent": 0, "nothing new": 0}  # nothing is sent before confirmation
    confirm_url = link(confirmation, "confirm_updates")
    assert "Confirm my email updates" in reader.get(local(confirm_url)).content.decode()  # a GET confirms nothing
    assert Subscription.objects.confirmed().count() == 0
    reader.post(local(confirm_url))
    assert Subscription.objects.confirmed().count() == 1

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        publish(slug="fresh-news", title="Fresh news")
    before = last_job_id()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert send_digests() == {"sent": 1, "nothing new": 0}
        assert send_digests() == {"sent": 0, "nothing new": 1}  # idempotent: nothing twice
    assert run_due_jobs(after=before) == {"succeeded": 1, "failed": 0}  # the worker sends the one digest
    digest = mailoutbox[-1]
    assert "Fresh news (new" in digest.body and "Old news" not in digest.body
    assert "/articles/fresh-news/" in digest.body
    unsubscribe_url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url in digest.body
    # the mail client's one-click POST (RFC 8058): no CSRF token, no cookie
    one_click = Client(enforce_csrf_checks=True).post(local(unsubscribe_url), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not Subscription.objects.exists()
    spent = Client().get(local(unsubscribe_url))  # the link is spent: it says so
    assert spent.status_code == 200 and "You are unsubscribed" in spent.content.decode()


def test_a_topic_subscription_only_hears_of_its_topic(publish, topic, mailoutbox):
    Subscription.objects.create(
        email="t@example.org", topic=topic, nonce="n", confirmed_at=timezone.now(), last_sent_at=timezone.now()
    )
    other = Subscription.objects.create(
        email="s@example.org", nonce="m", confirmed_at=timezone.now(), last_sent_at=timezone.now()
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        publish()
    before = last_job_id()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert send_digests()["sent"] == 2
    run_due_jobs(after=before)
    assert {m.to[0] for m in mailoutbox} == {"t@example.org", other.email}


def test_subscribing_twice_says_the_same_and_refreshes_the_links(mailoutbox):
    first, second = subscribe(Client()), subscribe(Client(), email="READER@example.org")
    assert first.status_code == second.status_code == 303
    assert Subscription.objects.count() == 1 and len(mailoutbox) == 2
    assert Client().get(local(link(mailoutbox[0], "confirm_updates"))).status_code == 404  # the old link is revoked
    assert Client().get(local(link(mailoutbox[1], "confirm_updates"))).status_code == 200


def test_subscribing_a_new_a_pending_and_a_confirmed_address_does_the_same_work(publish, topic, mailoutbox):
    """Timing must not tell whether an address is subscribed: every branch runs the same statements,
    hands one mail to the mail backend, and answers the same bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish()  # the topic is offered once a live article is filed under it
    Subscription.objects.create(email="pending@example.org", nonce="p")
    Subscription.objects.create(email="confirmed@example.org", nonce="c", confirmed_at=timezone.now())
    Subscription.objects.create(email="topical@example.org", topic=topic, nonce="t", confirmed_at=timezone.now())
    work = {}
    for email, topic_pk in [
        ("new@example.org", ""),
        ("pending@example.org", ""),
        ("confirmed@example.org", ""),
        ("topical@example.org", topic.pk),
        ("new-topical@example.org", topic.pk),
    ]:
        before = len(mailoutbox)
        with CaptureQueriesContext(connection) as queries:
            response = subscribe(Client(), email=email, topic=topic_pk)
        statements = [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries]
        work[email] = (response.status_code, response["Location"], response.content, statements)
        assert len(mailoutbox) == before + 1, email
        assert mailoutbox[-1].to == [email]
    assert len({(status, location, content) for status, location, content, _ in work.values()}) == 1
    assert work["new@example.org"][3] == work["pending@example.org"][3] == work["confirmed@example.org"][3]
    assert work["new-topical@example.org"][3] == work["topical@example.org"][3]  # the topic is looked up too
    assert "already get" in mailoutbox[2].body and "unsubscribe" in mailoutbox[2].body.lower()
    assert Subscription.objects.get(email="confirmed@example.org").nonce == "c"  # its links keep working
    assert Subscription.objects.get(email="pending@example.org").nonce != "p"  # the old links are revoked


def test_the_subscribe_form_is_guarded(mailoutbox):
    reader = Client()
    url = reverse("participation:updates")
    assert reader.post(url, {"email": "b@example.org", "website": "x", "issued": issue("updates")}).status_code == 303
    assert reader.post(url, {"email": "b@example.org", "issued": "forged"}).status_code == 400
    assert reader.post(url, {"email": "not-an-address", "issued": issue("updates")}).status_code == 400
    assert not Subscription.objects.exists() and not mailoutbox


def test_purge_reader_data_deletes_everything_given_with_the_address(publish, prompts):
    article = publish()
    Story.objects.create(
        article=article, prompt=prompts[0], display_name="A", text="Mine.", email="Gone@Example.org", consent=True
    )
    Story.objects.create(
        article=article, prompt=prompts[0], display_name="B", text="Not mine.", email="x@example.org", consent=True
    )
    Question.objects.create(text="My question about cramps?", email="gone@example.org")
    Subscription.objects.create(email="gone@example.org", nonce="n")
    out = io.StringIO()
    call_command("purge_reader_data", "--email", "gone@example.org", stdout=out)
    printed = out.getvalue()
    assert (
        "stories: 1 deleted" in printed and "questions: 1 deleted" in printed and "subscriptions: 1 deleted" in printed
    )
    assert Story.objects.count() == 1 and not Question.objects.exists() and not Subscription.objects.exists()


def test_the_digest_command_prints_what_it_did(db):
    out = io.StringIO()
    call_command("send_updates", stdout=out)
    assert "email updates: 0 sent" in out.getvalue()


def test_purge_keeps_a_signed_off_answer_but_removes_the_askers_address(editor, reviewer, writer):
    from participation import answers

    question = answers.accept_question(
        question=Question.objects.create(text="Is it cramp or a clot?", email="asker@example.org"), user=editor
    )
    version = answers.start_answer(question=question, answerer=writer, body="See a doctor if...", user=editor)
    version = answers.submit_answer(version=version, user=editor)
    answers.approve_answer(
        version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
    )
    out = io.StringIO()
    call_command("purge_reader_data", "--email", "asker@example.org", stdout=out)
    assert "address removed" in out.getvalue()
    question.refresh_from_db()
    assert question.email == "" and Question.objects.public().filter(pk=question.pk).exists()


def test_purge_deletes_every_question_that_was_never_published_whatever_stage_it_reached(
    editor, reviewer, writer, publish
):
    """Only signed-off public content stays: an accepted question, one with a draft answer, one whose
    answer awaits sign-off and one whose answer was sent back are the reader's data like any other."""
    from participation import answers
    from participation.models import AnswerReview, AnswerVersion

    def asked(text):
        return Question.objects.create(text=text, email="asker@example.org")

    def accepted(text):
        return answers.accept_question(question=asked(text), user=editor)

    def with_answer(text):
        return answers.start_answer(question=accepted(text), answerer=writer, body="Maybe.", user=editor)

    new = asked("Do cramps run in families, really?")
    only_accepted = accepted("Can a cold room give me night cramps?")
    drafted = with_answer("Is quinine still given for leg cramps?").question
    submitted = answers.submit_answer(version=with_answer("Does tonic water stop cramps?"), user=editor)
    sent_back = answers.submit_answer(version=with_answer("Can cramps mean a heart problem?"), user=editor)
    answers.send_back_answer(version=sent_back, reviewer=reviewer.person, comment="Cite a trial.", user=reviewer)
    published = answers.submit_answer(version=with_answer("Is stretching before bed useful?"), user=editor)
    answers.approve_answer(
        version=published, reviewer=reviewer.person, seen_fingerprint=published.submitted_fingerprint, user=reviewer
    )
    reviews_before = AnswerReview.objects.count()
    out = io.StringIO()
    call_command("purge_reader_data", "--email", "asker@example.org", stdout=out)
    printed = out.getvalue()

    assert not Question.objects.filter(pk__in=[new.pk, only_accepted.pk, drafted.pk, submitted.question_id]).exists()
    erased = Question.objects.get(pk=sent_back.question_id)  # its sent-back review is append-only: emptied
    assert erased.email == "" and "heart" not in erased.text and erased.slug is None
    assert not Question.objects.public().filter(pk=erased.pk).exists()
    kept = Question.objects.get(pk=published.question_id)
    assert kept.email == "" and Question.objects.public().filter(pk=kept.pk).exists()
    assert AnswerReview.objects.count() == reviews_before
    assert not AnswerVersion.objects.filter(question_id__in=[drafted.pk, submitted.question_id]).exists()
    assert printed.count("signed off") == 1 and "questions: 4 deleted, 1 erased, 1 kept (public)" in printed
    assert not Question.objects.filter(email__iexact="asker@example.org").exists()


def test_an_unsubscribe_link_used_twice_says_the_address_is_gone(client):
    subscription = Subscription.objects.create(email="twice@example.org", nonce="n1")
    url = reverse("participation:unsubscribe", args=[updates.token_for(subscription)])
    assert client.post(url).status_code == 200
    for again in (client.get(url), client.post(url)):
        assert again.status_code == 200 and "You are unsubscribed" in again.content.decode()
    forged = reverse("participation:unsubscribe", args=["not-a-token"])
    assert client.get(forged).status_code == 404


def test_every_mail_to_a_reader_is_multipart_with_the_same_links(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        updates.subscribe(email="reader@example.org", topic=None)
    (message,) = mailoutbox
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    html = message.alternatives[0][0]
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(f'href="{link}"' in html for link in links)
