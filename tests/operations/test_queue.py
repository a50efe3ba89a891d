"""The task queue: a job is written with the change, run by the worker's code, tried again with a
growing wait until it succeeds. With the mail server refusing, a subscription and an answer's
sign-off answer as usual and commit; each mail is delivered, once, when the server takes mail."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Person
from operations.queue import RETRY, pending, run_due_jobs
from participation import answers
from participation.guard import issue
from participation.models import Question, Subscription
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    sink = SmtpSink()
    sink.use_for(settings)
    yield sink
    sink.stop()


def later(minutes: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_subscription_commits_while_the_mail_server_refuses_and_its_mail_goes_out_once_it_is_back(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the request commits, then the worker tries
        response = Client().post(
            reverse("participation:updates"), {"email": "reader@example.org", "topic": "", "issued": issue("updates")}
        )
    assert response.status_code == 303  # answered as usual
    assert Subscription.objects.filter(email="reader@example.org").exists()
    assert smtp.refused == 1 and smtp.messages == []
    assert pending("deliver_mail") == 1  # waiting for its next try

    assert run_due_jobs() == {"succeeded": 0, "failed": 0}  # not before its time
    assert run_due_jobs(now=later()) == {"succeeded": 0, "failed": 1}  # still refused: waits longer
    smtp.accept()
    assert run_due_jobs(now=later(60)) == {"succeeded": 1, "failed": 0}
    (message,) = smtp.messages
    assert "To: reader@example.org" in message and "confirm" in message.lower()
    assert run_due_jobs(now=later(120)) == {"succeeded": 0, "failed": 0}  # sent once
    assert pending("deliver_mail") == 0


def test_an_answer_is_signed_off_while_the_mail_server_refuses_and_the_asker_is_told_when_it_is_back(
    smtp, editor, reviewer, django_capture_on_commit_callbacks
):
    expert = Person.objects.create(name="Noor Haddad", slug="noor-haddad", credentials="PT, DPT")
    question = answers.accept_question(
        question=Question.objects.create(text="Can stress cause eyelid twitching?", email="asker@example.org"),
        user=editor,
    )
    version = answers.start_answer(question=question, answerer=expert, body="Often, yes.", user=editor)
    version = answers.submit_answer(version=version, user=editor)
    client = Client()
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:participation_answer_review", args=[version.pk]),
            {"decision": "approve", "fingerprint": version.compute_fingerprint()},
        )
    assert response.status_code == 302  # the sign-off answers as usual
    assert Question.objects.public().filter(pk=question.pk).exists()
    assert smtp.refused == 1 and pending("deliver_mail") == 1

    smtp.accept()
    assert run_due_jobs(now=later()) == {"succeeded": 1, "failed": 0}
    (message,) = smtp.messages
    assert "To: asker@example.org" in message and "/questions/can-stress-cause-eyelid-twitching/" in message


def test_a_rolled_back_step_leaves_no_job():
    from django.db import transaction

    from operations.mail import queue_mail, reader_mail

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(reader_mail(subject="Hello", text="Hi", to=["a@example.org"]))
        raise RuntimeError("the step fails after queueing its mail")
    assert pending("deliver_mail") == 0


def test_a_failed_job_waits_longer_each_time_up_to_the_cap(settings):
    settings.SPASMINFO_JOB_RETRY_MAX_SECONDS = 600

    class Job:
        id, task_name = 1, "deliver_mail"

        def __init__(self, attempts):
            self.attempts = attempts

    waits = [RETRY.get_retry_decision(exception=OSError(), job=Job(n)).retry_at - timezone.now() for n in range(12)]
    seconds = [round(wait.total_seconds()) for wait in waits]
    assert seconds[:4] == [2, 4, 8, 16] and seconds[-1] == 600 and seconds == sorted(seconds)
