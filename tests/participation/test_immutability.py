"""Answer reviews and story edits are append-only in the database: raw SQL as the application's
user cannot change or delete them (participation/immutability.py)."""

import pytest
from django.db import connection, transaction

from articles.models.history import AppendOnlyError
from participation import answers, moderation
from participation.models import AnswerReview, Question, Story, StoryEdit

pytestmark = pytest.mark.django_db


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def review(editor, reviewer, writer):
    question = answers.accept_question(question=Question.objects.create(text="Is it cramp or a clot?"), user=editor)
    version = answers.start_answer(question=question, answerer=writer, body="See a doctor if...", user=editor)
    version = answers.submit_answer(version=version, user=editor)
    answers.send_back_answer(version=version, reviewer=reviewer.person, comment="Cite a source.", user=reviewer)
    return AnswerReview.objects.get()


@pytest.fixture
def edited_story(publish, prompts, moderator):
    story = Story.objects.create(
        article=publish(), prompt=prompts[0], display_name="Alex", text="Magnesium helped.", consent=True
    )
    moderation.approve_stories(stories=[story], user=moderator)
    moderation.edit_story(
        story=story, user=moderator, display_name="Alex", text="Magnesium helped me.", reason="Grammar."
    )
    return story


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE participation_answerreview SET outcome = 'approved' WHERE id = %s",
        "UPDATE participation_answerreview SET comment = 'Fine.' WHERE id = %s",
        "DELETE FROM participation_answerreview WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_remove_an_answer_review(review, sql):
    before = AnswerReview.objects.filter(pk=review.pk).values().get()
    with pytest.raises(AppendOnlyError, match="answer reviews are append-only"):
        raw(sql, [review.pk])
    assert AnswerReview.objects.filter(pk=review.pk).values().get() == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE participation_storyedit SET reason = 'Nothing happened.' WHERE story_id = %s",
        """UPDATE participation_storyedit SET "before" = '{}' WHERE story_id = %s""",
        "DELETE FROM participation_storyedit WHERE story_id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_remove_a_story_edit(edited_story, sql):
    before = list(StoryEdit.objects.filter(story=edited_story).values())
    with pytest.raises(AppendOnlyError, match="story edits are append-only"):
        raw(sql, [edited_story.pk])
    assert list(StoryEdit.objects.filter(story=edited_story).values()) == before
    with pytest.raises(AppendOnlyError):
        StoryEdit.objects.get().delete()


def test_deleting_a_story_deletes_its_edits_with_it(edited_story, publish, prompts, moderator):
    other = Story.objects.create(
        article=edited_story.article, prompt=prompts[0], display_name="Sam", text="Heat helped.", consent=True
    )
    moderation.edit_story(story=other, user=moderator, display_name="Sam", text="Heat helped me.", reason="")
    Story.objects.filter(pk=edited_story.pk).delete()  # as purge_reader_data does
    assert list(StoryEdit.objects.values_list("story", flat=True)) == [other.pk]
    raw("DELETE FROM participation_story WHERE id = %s", [other.pk])
    assert not StoryEdit.objects.exists()
