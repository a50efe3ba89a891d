"""Questions answered by experts: private until an editor accepts one; the
answer goes through sign-off like an article (versioned, fingerprinted, immutable once signed);
the public page, search, sitemap and QAPage JSON-LD show only signed-off answers."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Person
from articles.models.history import AppendOnlyError
from articles.models.versions import ImmutableVersionError
from articles.workflow import NotAllowed, StaleVersion
from participation import answers
from participation.guard import issue
from participation.models import AnswerReview, AnswerVersion, Question, QuestionVote, Report

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def expert(db):
    return Person.objects.create(name="Noor Haddad", slug="noor-haddad", credentials="PT, DPT")


@pytest.fixture
def answered(editor, reviewer, expert, topic, cause, publish):
    """Answer a question through the real workflow; returns a function."""

    def make(
        text="Why do my calves cramp at night?", body="Night cramps are common.\n\nStretch before bed.", article=None
    ):
        question = Question.objects.create(text=text)
        question = answers.accept_question(question=question, user=editor, topic=topic, article=article)
        question.causes.add(cause)
        version = answers.start_answer(question=question, answerer=expert, body=body, user=editor)
        answers.submit_answer(version=version, user=editor)
        version.refresh_from_db()
        answers.approve_answer(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
        )
        return Question.objects.get(pk=question.pk)

    return make


def ask(client, **changes):
    data = {"text": "Can magnesium stop night cramps?", "email": "q@example.org", "issued": issue("question")}
    return client.post(reverse("participation:ask"), {**data, **changes})


def test_an_asked_question_is_private_until_answered_and_signed_off(reader, editor, expert, reviewer):
    page = reader.get(reverse("participation:ask")).content.decode()
    assert "Before you ask, please search" in page and 'maxlength="120"' in page
    response = ask(reader)
    assert response.status_code == 303
    assert "an editor will read your question" in reader.get(response["Location"]).content.decode()
    question = Question.objects.get()
    assert question.status == "new" and not Question.objects.public().exists()
    answers.accept_question(question=question, user=editor)
    question.refresh_from_db()
    url = question.get_absolute_url()
    assert reader.get(url).status_code == 404  # accepted, no answer yet
    version = answers.start_answer(question=question, answerer=expert, body="Evidence is weak.", user=editor)
    answers.submit_answer(version=version, user=editor)
    assert reader.get(url).status_code == 404  # answer awaiting sign-off
    version.refresh_from_db()
    answers.approve_answer(
        version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
    )
    assert reader.get(url).status_code == 200
    assert "q@example.org" not in reader.get(url).content.decode()


@pytest.mark.parametrize("text", ["x" * 121, "short", ""])
def test_questions_are_limited_to_120_characters(reader, text):
    assert ask(reader, text=text).status_code == 400
    assert not Question.objects.exists()


def test_the_question_page_shows_the_answer_the_answerer_and_what_comes_next(answered, publish, reader, reviewer):
    article = publish(slug="night-cramps-article", title="Night leg cramps")
    first = answered(article=article)
    second = answered(text="Is cramping a sign of low potassium?", body="Rarely on its own.")
    page = reader.get(first.get_absolute_url()).content.decode()
    for expected in [
        "Why do my calves cramp at night?",
        "Stretch before bed.",
        "Noor Haddad, PT, DPT",
        "2 answers · 0 helpful votes",
        "Medically reviewed by",
        "Ana Rivera",
        "Report this question",
        "Report this answer",
        "Read the full article: Night leg cramps",
        "Related topics",
        "Dehydration",
        "Bones, Joints and Muscles",
        "No one has rated this answer yet.",
    ]:
        assert expected in page, expected
    assert (
        second.get_absolute_url() in page
        or first.get_absolute_url() in reader.get(second.get_absolute_url()).content.decode()
    )


def test_the_question_page_names_only_causes_and_topics_whose_own_pages_exist(
    answered, draft_factory, publish, reader, topic, cause
):
    """A cause or topic no live article names has a 404 page: the question page must not link to it."""
    from taxonomy.models import Cause, Topic

    draft_factory(slug="only-a-draft")  # names the topic and the cause, but is not live
    question = answered()
    other_cause = Cause.objects.create(name="Overuse", slug="overuse", group=cause.group)
    question.causes.add(other_cause)
    page = reader.get(question.get_absolute_url()).content.decode()
    for hidden in (topic, cause, other_cause):
        assert reader.get(hidden.get_absolute_url()).status_code == 404
        assert hidden.get_absolute_url() not in page and hidden.name not in page, hidden
    assert "Related topics" not in page

    publish(slug="now-live")  # files the topic and names the first cause
    page = reader.get(question.get_absolute_url()).content.decode()
    for shown in (topic, cause):
        assert reader.get(shown.get_absolute_url()).status_code == 200
        assert shown.get_absolute_url() in page and shown.name in page
    assert other_cause.get_absolute_url() not in page and Topic.objects.public().count() == 1


def test_the_question_page_has_valid_qapage_json_ld_with_the_reviewer(answered, reader):
    question = answered()
    (script,) = JSON_LD.findall(reader.get(question.get_absolute_url()).content.decode())
    data = json.loads(script)
    assert data["@type"] == "QAPage"
    assert data["mainEntity"]["@type"] == "Question" and data["mainEntity"]["name"] == question.text
    assert data["mainEntity"]["answerCount"] == 1
    assert data["mainEntity"]["acceptedAnswer"]["author"]["name"] == "Noor Haddad"
    assert data["reviewedBy"]["@type"] == "Person" and data["reviewedBy"]["name"] == "Ana Rivera"
    # what a QAPage needs besides: when, by whom asked, where it sits, who publishes it
    assert data["datePublished"] and data["dateModified"] >= data["datePublished"]
    assert data["mainEntity"]["author"]["@type"] == "Person" and data["mainEntity"]["author"]["name"]
    crumbs = data["breadcrumb"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Questions", question.text] and crumbs[-1]["item"].endswith(
        question.get_absolute_url()
    )
    assert data["publisher"]["logo"]["url"].endswith("/static/img/logo.png")


def test_answered_questions_are_in_search_the_sitemap_and_the_list(answered, reader, editor):
    question = answered()
    pending = Question.objects.create(text="Secret pending question about cramps?")
    search = reader.get(reverse("articles:search"), {"q": "calves cramp"}).content.decode()
    assert question.get_absolute_url() in search
    assert "Secret pending" not in reader.get(reverse("articles:search"), {"q": "pending question"}).content.decode()
    sitemap = reader.get(reverse("sitemap")).content.decode()
    assert question.get_absolute_url() in sitemap
    listing = reader.get(reverse("participation:question_list")).content.decode()
    assert question.text in listing and pending.text not in listing
    suggest = reader.get(reverse("participation:question_suggest"), {"q": "calves cramp"}).json()
    assert [q["url"] for q in suggest["questions"]] == [question.get_absolute_url()]


def test_a_signed_off_answer_never_changes_and_reviews_are_append_only(answered):
    question = answered()
    version = question.live_answer
    version.body = "Tampered."
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    review = AnswerReview.objects.get()
    with pytest.raises(AppendOnlyError):
        review.save()
    assert AnswerVersion.objects.get(pk=version.pk).body.startswith("Night cramps")


def test_a_new_answer_version_replaces_the_live_one_only_when_signed_off(answered, editor, expert, reviewer, reader):
    question = answered()
    draft = answers.start_answer(question=question, answerer=expert, user=editor)
    assert draft.number == 2 and draft.body == question.live_answer.body
    draft.body = "A revised answer."
    draft.save()
    answers.submit_answer(version=draft, user=editor)
    assert "A revised answer" not in reader.get(question.get_absolute_url()).content.decode()
    draft.refresh_from_db()
    answers.approve_answer(
        version=draft, reviewer=reviewer.person, seen_fingerprint=draft.submitted_fingerprint, user=reviewer
    )
    assert "A revised answer" in reader.get(question.get_absolute_url()).content.decode()


def test_sign_off_is_refused_to_the_wrong_people_and_for_changed_text(editor, reviewer, expert, django_user_model):
    question = answers.accept_question(question=Question.objects.create(text="Do cramps mean MS?"), user=editor)
    version = answers.start_answer(question=question, answerer=expert, body="Seldom.", user=editor)
    answers.submit_answer(version=version, user=editor)
    version.refresh_from_db()
    fingerprint = version.submitted_fingerprint
    with pytest.raises(NotAllowed):  # editors do not sign off
        answers.approve_answer(version=version, reviewer=reviewer.person, seen_fingerprint=fingerprint, user=editor)
    with pytest.raises(NotAllowed):  # nobody signs off their own answer
        AnswerVersion.objects.filter(pk=version.pk).update(answerer=reviewer.person)
        version.refresh_from_db()
        answers.approve_answer(version=version, reviewer=reviewer.person, seen_fingerprint=fingerprint, user=reviewer)
    AnswerVersion.objects.filter(pk=version.pk).update(answerer=expert, body="Changed after submission.")
    version.refresh_from_db()
    with pytest.raises(StaleVersion):
        answers.approve_answer(version=version, reviewer=reviewer.person, seen_fingerprint=fingerprint, user=reviewer)
    with pytest.raises(NotAllowed):
        answers.send_back_answer(version=version, reviewer=reviewer.person, comment="", user=reviewer)
    assert not AnswerReview.objects.exists() and not Question.objects.public().exists()


def test_the_admin_review_page_signs_off_what_it_showed(editor, reviewer, expert):
    question = answers.accept_question(question=Question.objects.create(text="Do cramps mean MS?"), user=editor)
    version = answers.start_answer(question=question, answerer=expert, body="Seldom.", user=editor)
    client = Client()
    client.force_login(editor)
    client.post(reverse("admin:participation_answer_submit", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == "submitted"
    client.force_login(reviewer)
    page = client.get(reverse("admin:participation_answer_review", args=[version.pk])).content.decode()
    assert "Sign off and publish" in page
    client.post(
        reverse("admin:participation_answer_review", args=[version.pk]),
        {"decision": "approve", "fingerprint": version.compute_fingerprint()},
    )
    assert Question.objects.public().filter(pk=question.pk).exists()


def test_was_this_helpful_counts_one_vote_per_browser(answered, reader):
    question = answered()
    url = reverse("participation:question_vote", args=[question.slug])
    for _ in range(3):
        reader.post(url, {"helpful": "yes"})
    Client().post(url, {"helpful": "no"})
    assert QuestionVote.objects.count() == 2
    assert "1 of 2 found this helpful" in Client().get(question.get_absolute_url()).content.decode()


def test_report_this_on_a_question_reaches_the_queue(answered, reader, reviewer):
    question = answered()
    url = reverse("participation:report_question", args=[question.slug])
    response = reader.post(url, {"reason": "inaccurate", "text": "Outdated advice.", "issued": issue("report")})
    assert response.status_code == 303
    assert Report.objects.get().question == question
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("admin:participation_report_changelist")).content.decode()  # was a 500
    assert "Outdated advice." in page and question.text in page


@pytest.mark.parametrize("size", [1, 50])
def test_question_pages_run_a_fixed_number_of_queries(size, answered, reader, django_assert_num_queries):
    for n in range(size):
        question = answered(text=f"Question number {n} about cramps?")
    with django_assert_num_queries(
        5
    ):  # question (+ answer, answerer, topic, article, votes), review, totals, causes, next
        reader.get(question.get_absolute_url())
    with django_assert_num_queries(2):  # count, one page
        page = reader.get(reverse("participation:question_list")).content.decode()
    assert page.count("about cramps?") == min(size, 20)


def test_the_database_refuses_to_change_a_signed_off_answer_or_a_review_by_any_route(answered):
    from django.db import connection, transaction

    question = answered()
    version = question.live_answer
    attempts = {
        "QuerySet.update": lambda: AnswerVersion.objects.filter(pk=version.pk).update(body="Tampered."),
        "bulk_update": lambda: AnswerVersion.objects.bulk_update(
            [AnswerVersion(pk=version.pk, body="Tampered.", question=question, answerer=version.answerer)], ["body"]
        ),
        "raw SQL": lambda: connection.cursor().execute(
            "UPDATE participation_answerversion SET body = 'Tampered.' WHERE id = %s", [version.pk]
        ),
        "review update": lambda: AnswerReview.objects.update(comment="Rewritten."),
    }
    for name, attempt in attempts.items():
        with pytest.raises((ImmutableVersionError, AppendOnlyError)), transaction.atomic():
            attempt()
        assert AnswerVersion.objects.get(pk=version.pk).body.startswith("Night cramps"), name
    assert not AnswerReview.objects.filter(comment="Rewritten.").exists()


def test_the_asker_is_told_once_the_answer_is_signed_off(
    editor, reviewer, expert, mailoutbox, django_capture_on_commit_callbacks
):
    question = answers.accept_question(
        question=Question.objects.create(text="Can stress cause eyelid twitching?", email="asker@example.org"),
        user=editor,
    )
    version = answers.submit_answer(
        version=answers.start_answer(question=question, answerer=expert, body="Often, yes.", user=editor), user=editor
    )
    assert not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        answers.approve_answer(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=reviewer
        )
    (message,) = mailoutbox
    assert message.to == ["asker@example.org"] and "/questions/can-stress-cause-eyelid-twitching/" in message.body


def test_a_question_is_one_line_whoever_writes_it(reader):
    from django.core.exceptions import ValidationError

    for text in ["Why do I cramp?\r\nBcc: x@example.org", "Why do I\u2028cramp?", "Why\tdo I cramp?"]:
        with pytest.raises(ValidationError) as refused:
            Question(text=text).full_clean()
        assert "Write this on one line" in refused.value.message_dict["text"][0]
    assert ask(reader, text="Why do my calves\r\ncramp at night?").status_code == 303  # the form makes it one line
    assert Question.objects.get().text == "Why do my calves cramp at night?"
