"""`make run` shows stories under seed 002's four prompts and two answered questions."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from participation.demo import load_readers_content
from participation.models import Prompt, Question, Story

pytestmark = pytest.mark.django_db


def test_the_demo_has_stories_under_the_four_prompts_and_two_answered_questions(reader):
    call_command("load_content", "fixtures", verbosity=0)
    first = load_readers_content(Path("fixtures/readers.yaml"))
    assert first == {"prompts": 4, "stories": 7, "questions": 2}
    assert load_readers_content(Path("fixtures/readers.yaml")) == {"prompts": 0, "stories": 0, "questions": 0}
    assert Story.objects.public().count() == 7 and Question.objects.public().count() == 2
    page = reader.get("/articles/diagnosing-and-treating-muscle-spasms/").content.decode()
    for prompt in Prompt.objects.all():
        assert prompt.text in page
    assert "Read 2 stories" in page
    listing = reader.get(reverse("participation:question_list")).content.decode()
    assert "What causes a muscle spasm?" in listing and "Why do I get leg cramps at night?" in listing
    question = Question.objects.get(text="What causes a muscle spasm?")
    page = reader.get(question.get_absolute_url()).content.decode()
    assert "Helena Marsh" in page and "Read the full article" in page
