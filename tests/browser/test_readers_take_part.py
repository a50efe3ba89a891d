"""Readers take part, in Chromium: a story through moderation and a report; a question
through acceptance, an expert's answer and a reviewer's sign-off to a public QAPage."""

import importlib
import json

import pytest
from django.contrib.auth.models import Group, Permission

from participation.models import AnswerVersion, Prompt, Question, Report, Story
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderator(transactional_db):
    codenames = importlib.import_module("participation.migrations.0002_moderators_group").MODERATORS
    codenames += ["view_report", "change_report"]
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(Permission.objects.filter(content_type__app_label="participation", codename__in=codenames))
    return make_user("moderator", "Moderators")


def test_a_story_waits_for_a_moderator_then_counts_and_can_be_reported(
    live_server, open_page, sign_in, publish, topic, moderator
):
    article = publish()
    prompt = Prompt.objects.create(text="What treatment did you use?", slug="treatment")
    prompt.topics.add(topic)
    writer, other, mod = open_page(), open_page(375), open_page()
    url = f"{live_server.url}{article.get_absolute_url()}"

    writer.goto(url)
    writer.get_by_role("link", name="Share your story").click()
    writer.fill("#id_display_name", "Sam")
    writer.fill("#id_text", "Stretching my calves before bed stopped the cramps.")
    writer.fill("#id_email", "sam@example.org")
    writer.check("#id_consent")
    writer.get_by_role("button", name="Send your story").click()
    assert "your story will appear once a moderator has read it" in writer.locator("main").inner_text()

    other.goto(url)
    assert "No stories yet" in other.locator("#readers-stories").inner_text()
    other.goto(f"{live_server.url}/articles/{article.slug}/stories/treatment/")
    assert "Stretching my calves" not in other.content()

    sign_in(mod, "moderator")
    mod.goto(f"{live_server.url}/admin/participation/story/")
    assert "Stretching my calves" in mod.locator("#result_list").inner_text()
    mod.locator("#result_list input.action-select").first.check()
    mod.select_option("select[name=action]", "approve")
    mod.locator("button[name=index]").click()
    mod.wait_for_load_state()
    assert Story.objects.get().status == "approved"

    other.goto(url)
    assert "Read 1 story" in other.locator("#readers-stories").inner_text()
    other.get_by_role("link", name="Read 1 story").click()
    assert "Stretching my calves" in other.locator("main").inner_text()
    assert "sam@example.org" not in other.content()

    other.get_by_role("link", name="Report this").click()
    other.get_by_label("Offensive").check()
    other.fill("#id_text", "Reads like an advert.")
    other.get_by_role("button", name="Send report").click()
    assert "Someone will look at your report" in other.locator("main").inner_text()
    assert Report.objects.get().story == Story.objects.get()
    mod.goto(f"{live_server.url}/admin/participation/report/")
    assert "story by Sam" in mod.locator("#result_list").inner_text()


@pytest.fixture
def question_permissions(editor, reviewer):
    """The flushed live-server database lost migration 0004's grants: give them again."""
    grants = importlib.import_module("participation.migrations.0004_questions").QUESTION_PERMISSIONS
    for name, codenames in grants.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(content_type__app_label="participation", codename__in=codenames)
        )


def test_a_question_is_accepted_answered_signed_off_and_public(
    live_server, open_page, sign_in, publish, editor, reviewer, writer, question_permissions
):
    publish(slug="night-cramps", title="Night cramps")
    reader, ed, rev = open_page(), open_page(), open_page()
    reader.goto(f"{live_server.url}/questions/ask/")
    assert "Before you ask, please search" in reader.locator("main").inner_text()
    reader.locator("#id_text").press_sequentially("night cramps", delay=20)  # live suggestions as they type
    reader.locator("#suggestions a", has_text="Night cramps").wait_for()
    assert reader.locator("#suggestions a").first.get_attribute("href") == "/articles/night-cramps/"
    reader.fill("#id_text", "Why do my calves cramp at night?")
    # the limit is counted down as they type, not met silently
    assert reader.locator("#id_text_count").inner_text() == "88 characters left"
    assert "id_text_count" in reader.locator("#id_text").get_attribute("aria-describedby")
    reader.get_by_role("button", name="Send your question").click()
    assert "an editor will read your question" in reader.locator("main").inner_text()
    question = Question.objects.get()

    sign_in(ed, "editor")
    ed.goto(f"{live_server.url}/admin/participation/question/")
    ed.locator("#result_list input.action-select").first.check()
    ed.select_option("select[name=action]", "accept")
    ed.locator("button[name=index]").click()
    ed.wait_for_load_state()
    question.refresh_from_db()
    assert question.status == "accepted"

    ed.goto(f"{live_server.url}/admin/participation/answerversion/add/")
    ed.select_option("#id_question", str(question.pk))
    ed.select_option("#id_answerer", str(writer.pk))
    ed.fill("#id_body", "Night cramps are common.\n\nStretch your calves before bed.")
    ed.locator("input[name=_continue]").click()
    ed.get_by_role("button", name="Submit for review").click()
    version = AnswerVersion.objects.get()
    assert version.status == "submitted"

    sign_in(rev, "reviewer")
    rev.goto(f"{live_server.url}/admin/participation/answerversion/{version.pk}/review/")
    rev.get_by_role("button", name="Sign off and publish").click()
    rev.wait_for_load_state()
    question.refresh_from_db()
    assert question.live_answer_id == version.pk

    reader.goto(f"{live_server.url}{question.get_absolute_url()}")
    text = reader.locator("main").inner_text()
    assert "Stretch your calves before bed." in text and "Cara Lind" in text and "Ana Rivera" in text
    data = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "QAPage" and data["reviewedBy"]["name"] == "Ana Rivera"
    assert data["mainEntity"]["acceptedAnswer"]["text"].startswith("Night cramps are common.")
    reader.goto(f"{live_server.url}/search/?q=calves+cramp")
    assert question.text in reader.locator("main").inner_text()
    reader.goto(f"{live_server.url}/sitemap.xml")
    assert question.get_absolute_url() in reader.content()


@pytest.mark.parametrize("width", [375, 1280])
def test_readers_pages_pass_axe_and_fit_the_screen(live_server, open_page, run_axe, demo_content, width):
    from pathlib import Path

    from participation.demo import load_readers_content
    from tests.production import ROOT

    load_readers_content(Path(ROOT / "fixtures" / "readers.yaml"))
    question = Question.objects.public().first()
    story = Story.objects.public().first()
    pages = {
        "article with prompts": "/articles/diagnosing-and-treating-muscle-spasms/",
        "stories": story.get_absolute_url(),
        "share a story": f"/articles/{story.article.slug}/stories/{story.prompt.slug}/share/",
        "report a story": f"/stories/{story.pk}/report/",
        "report an article": f"/articles/{story.article.slug}/report/",
        "questions": "/questions/",
        "question": question.get_absolute_url(),
        "ask": "/questions/ask/",
        "email updates": "/updates/",
        "privacy": "/privacy/",
    }
    page = open_page(width=width)
    problems = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if violations := run_axe(page):
            problems[name] = violations
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
    assert problems == {}
