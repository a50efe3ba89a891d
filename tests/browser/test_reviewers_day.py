"""A medical reviewer's day through the one inbox, in Chromium: an article version, an expert
answer, a proposed rename (declined once, then signed off), a reader's report (closed by a
re-review) and the replacement of a taken-down article, reviewed against the withdrawn text."""

import pytest
from django.test import Client

from articles import lifecycle, services
from articles.models import Person
from participation import answers, reports
from participation.models import AnswerVersion, Question, Report
from taxonomy.models import Cause

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewers_day_through_the_inbox(
    live_server, open_page, sign_in, publish, draft_factory, submit, editor, reviewer, topic, cause
):
    admin = f"{live_server.url}/admin"
    reported = publish(slug="reported", title="Reported article", body="Stretch before bed [@1].")
    withdrawn = publish(slug="withdrawn", title="Withdrawn article", body="Take 5 g of salt a day [@1].")
    waiting = submit(draft_factory(slug="waiting", title="Waiting article"))
    expert = Person.objects.create(name="Eli Expert", slug="eli-expert", credentials="PT")
    question = Question.objects.create(text="Do bananas stop cramps?")
    answers.accept_question(question=question, user=editor, topic=topic)
    answer = answers.submit_answer(
        version=answers.start_answer(question=question, answerer=expert, body="Probably not.", user=editor),
        user=editor,
    )
    reports.report_article(article=reported, reason="inaccurate", text="The stretch is described wrongly.")
    lifecycle.take_down_article(article=withdrawn, user=reviewer, reason="Salt advice under review.")
    withdrawn.refresh_from_db()
    replacement = services.start_draft(article=withdrawn, user=editor)
    replacement.body = "Do not add salt unless a doctor says so [@1]."
    replacement.change_note = "Salt advice corrected."
    replacement.save()
    submit(replacement)

    editor_page = open_page()
    sign_in(editor_page, "editor")
    editor_page.goto(f"{admin}/taxonomy/cause/{cause.pk}/change/")
    editor_page.fill("#id_name", "Fluid loss")
    editor_page.click("input[name=_save]")
    assert "kept as a proposal" in editor_page.inner_text(".messagelist")

    page = open_page()
    sign_in(page, "reviewer")
    inbox = page.inner_text("#your-work")
    for expected in ("Waiting article", "Do bananas stop cramps?", "Cause: Dehydration", "Reported article"):
        assert expected in inbox, expected

    # 1. The article version: sign off from the inbox.
    page.click("#your-work >> text=Waiting article")
    page.click("#confirm-sign-off summary")
    page.click("button[value=approve]")
    assert "is now live" in page.inner_text(".messagelist")

    # 2. The expert answer.
    page.goto(f"{admin}/")
    page.click("#inbox-answers >> xpath=following-sibling::ul[1] >> text=Do bananas stop cramps?")
    page.click("button[value=approve]")
    assert AnswerVersion.objects.get(pk=answer.pk).status == AnswerVersion.Status.APPROVED

    # 3. The reader's report: its words come first, then a confirmed re-review closes it.
    page.goto(f"{admin}/")
    page.click("#reported-by-readers + ul >> text=Reported article")
    assert "The stretch is described wrongly." in page.inner_text("#open-problems")
    page.click("button:has-text('Confirm still accurate')")  # refused by the browser: the tick is required
    assert Report.objects.get().status == Report.Status.OPEN
    page.check("input[name=confirmed]")
    page.click("button:has-text('Confirm still accurate')")
    assert "Re-review recorded" in page.inner_text(".messagelist")
    assert Report.objects.get().status == Report.Status.DONE

    # 4. The replacement of the taken-down article, with a diff against the withdrawn text.
    page.goto(f"{admin}/")
    page.click("#your-work >> text=Withdrawn article")
    assert "it will replace version 1, taken down on" in page.inner_text("#content")
    diff = page.inner_text("#version-diff")
    assert "which was taken down" in diff and "Take 5 g of" in diff and "Do not add salt" in diff
    page.click("#confirm-sign-off summary")
    page.click("button[value=approve]")
    assert "is now live" in page.inner_text(".messagelist")
    assert Client().get("/articles/withdrawn/").status_code == 200
    # 5. The proposed rename: declined once with a comment, proposed again, then signed off (last: a
    # signed-off rename changes what the submitted versions naming the cause show, so they would need resubmitting).
    page.goto(f"{admin}/")
    page.click("#your-work >> text=Cause: Dehydration")
    page.fill("#id_comment", "Readers search for dehydration.")
    page.click("button[value=decline]")
    assert "Declined" in page.inner_text(".messagelist")
    assert Cause.objects.get(pk=cause.pk).name == "Dehydration"
    editor_page.goto(f"{admin}/")
    assert "Readers search for dehydration." in editor_page.inner_text("#your-work")
    editor_page.goto(f"{admin}/taxonomy/cause/{cause.pk}/change/")
    editor_page.fill("#id_name", "Dehydration (fluid loss)")
    editor_page.click("input[name=_save]")
    page.goto(f"{admin}/")
    page.click("#your-work >> text=Cause: Dehydration")
    page.click("button[value=approve]")
    assert "readers now see the new text" in page.inner_text(".messagelist")
    assert "Dehydration (fluid loss)" in Client().get(f"/articles/{waiting.article.slug}/").content.decode()

    page.goto(f"{admin}/")
    page.screenshot(path="/tmp/reviewers-inbox.png", full_page=True)
    assert "Nothing is waiting for you." in page.inner_text("#your-work")
