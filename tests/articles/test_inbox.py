"""One inbox at the top of the admin index: a reviewer sees every kind of reviewed content
waiting for them (versions, answers, proposals, readers' reports with their words, replacements
of taken-down articles with a diff), and is emailed about each; editors see their side."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles import lifecycle, queues, services, supporting_text
from participation import answers, reports
from participation.models import Question, Report


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def inbox_of(user) -> str:
    return signed_in(user).get(reverse("admin:index")).content.decode()


@pytest.fixture
def expert(db):
    from articles.models import Person

    return Person.objects.create(name="Eli Expert", slug="eli-expert", credentials="PT")


def test_a_submitted_answer_is_in_every_eligible_reviewers_inbox_and_mail(
    editor, reviewer, expert, topic, django_capture_on_commit_callbacks
):
    reviewer.email = "ana@example.org"
    reviewer.save()
    question = Question.objects.create(text="Do bananas stop cramps?")
    assert "New questions from readers (1)" in inbox_of(editor)  # on the editors' side first
    answers.accept_question(question=question, user=editor, topic=topic)
    assert "New questions from readers (0)" in inbox_of(editor)
    version = answers.start_answer(question=question, answerer=expert, body="Probably not.", user=editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answers.submit_answer(version=version, user=editor)
    page = inbox_of(reviewer)
    assert "Expert answers awaiting your review (1)" in page
    assert reverse("admin:participation_answer_review", args=[version.pk]) in page
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert "Review this answer" in mail.outbox[0].body


def test_a_proposal_is_in_the_reviewers_inbox_not_the_proposers_and_a_decline_reaches_the_editor(
    editor, reviewer, cause, django_capture_on_commit_callbacks
):
    reviewer.email = "ana@example.org"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(
            reverse("admin:taxonomy_cause_change", args=[cause.pk]),
            {"name": "Fluid loss", "slug": cause.slug, "group": cause.group_id, "description": ""},
        )
    review = reverse("admin:taxonomy_cause_review_text", args=[cause.pk])
    assert review in inbox_of(reviewer)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    cause.refresh_from_db()
    editor.email = "ed@example.org"
    editor.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supporting_text.decline_text(
            obj=cause, user=reviewer, seen_fingerprint=cause.text_fingerprint(), comment="Keep the familiar word."
        )
    assert [message.to for message in mail.outbox] == [["ed@example.org"]]
    assert "Keep the familiar word." in mail.outbox[0].body
    assert review not in inbox_of(reviewer)
    editor_page = inbox_of(editor)
    assert "Your proposals declined" in editor_page and "Keep the familiar word." in editor_page


def test_a_readers_report_shows_its_words_before_confirming_and_the_re_review_closes_it(
    publish, reviewer, reader, django_capture_on_commit_callbacks
):
    article = publish()
    reviewer.email = "ana@example.org"
    reviewer.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_article(article=article, reason="inaccurate", text="The magnesium dose looks wrong.")
        reports.report_article(article=article, reason="other", text="A second report: no second mail.")
    assert [message.subject for message in mail.outbox] == ["[spasminfo] Reported by a reader: Night cramps"]
    url = reverse("admin:articles_article_rereview", args=[article.pk])
    page = signed_in(reviewer).get(url)
    html = page.content.decode()
    assert "Open problems" in html
    assert html.index("The magnesium dose looks wrong.") < html.index("Confirm still accurate")
    signed_in(reviewer).post(url, {"fingerprint": page.context["fingerprint"], "confirmed": "1", "comment": "Dose ok."})
    for report in Report.objects.all():
        assert report.status == Report.Status.DONE and report.handled_by == reviewer
        assert report.resolution == "Confirmed still accurate by a medical reviewer: Dose ok."
    assert not queues.reported_by_readers().exists()


def test_a_new_version_going_live_closes_the_reports_on_the_article(publish, editor, submit, approve):
    article = publish()
    reports.report_article(article=article, reason="out_of_date", text="Old advice.")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "New advice [@1]."
    draft.save()
    approve(submit(draft))
    assert Report.objects.get().resolution == "A new signed-off version went live: Version 2 went live."


def test_a_replacement_for_a_taken_down_article_is_reviewed_against_the_withdrawn_text(
    publish, editor, reviewer, submit
):
    article = publish(body="Take 5 g of salt a day [@1].")
    lifecycle.take_down_article(article=article, user=reviewer, reason="Salt advice under review.")
    article.refresh_from_db()
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Do not add salt unless a doctor says so [@1]."
    draft.save()
    submit(draft)
    page = signed_in(reviewer).get(reverse("admin:articles_articleversion_review", args=[draft.pk])).content.decode()
    assert "not yet published" not in page
    assert "it will replace version 1, taken down on" in page
    assert "What changed since version 1, which was taken down" in page
    diff = page[page.index('id="version-diff"') : page.index("Compare any two versions")]
    assert "<del" in diff and "salt" in diff
