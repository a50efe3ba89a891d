"""The demo's readers' content (fixtures/readers.yaml): prompts, approved stories and answered
questions, each through the real services (moderation, the answer workflow) as the site itself.
Safe to run twice: what exists is kept."""

from pathlib import Path

import yaml
from django.db import transaction

from articles.models import Article, Person
from articles.workflow import SYSTEM
from participation import answers, moderation
from participation.models import Prompt, Question, Story
from taxonomy.models import Cause, Topic


@transaction.atomic
def load_readers_content(path: Path) -> dict[str, int]:
    data = yaml.safe_load(path.read_text())
    made = {"prompts": 0, "stories": 0, "questions": 0}
    for row in data.get("prompts", []):
        prompt, created = Prompt.objects.get_or_create(slug=row["slug"], defaults={"text": row["text"]})
        prompt.topics.add(*Topic.objects.filter(slug__in=row.get("topics", [])))
        made["prompts"] += created
    for row in data.get("stories", []):
        article = Article.objects.get(slug=row["article"])
        prompt = Prompt.objects.get(slug=row["prompt"])
        text = row["text"].strip()
        if Story.objects.filter(article=article, prompt=prompt, text=text).exists():
            continue
        story = Story.objects.create(article=article, prompt=prompt, display_name=row["name"], text=text, consent=True)
        moderation.approve_stories(stories=[story], user=SYSTEM)
        made["stories"] += 1
    for row in data.get("questions", []):
        if Question.objects.filter(text=row["text"]).exists():
            continue
        question = Question.objects.create(text=row["text"])
        question = answers.accept_question(
            question=question,
            user=SYSTEM,
            topic=Topic.objects.get(slug=row["topic"]),
            article=Article.objects.filter(slug=row.get("article")).first(),
        )
        question.causes.set(Cause.objects.filter(slug__in=row.get("causes", [])))
        version = answers.start_answer(
            question=question,
            answerer=Person.objects.get(slug=row["answerer"]),
            body=row["answer"].strip(),
            user=SYSTEM,
        )
        version = answers.submit_answer(version=version, user=SYSTEM)
        answers.approve_answer(
            version=version,
            reviewer=Person.objects.get(slug=row["reviewer"]),
            seen_fingerprint=version.submitted_fingerprint,
            user=SYSTEM,
        )
        made["questions"] += 1
    return made
