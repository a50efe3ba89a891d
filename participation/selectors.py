"""Read-side queries of readers' pages. Stories: `Story.objects.public()` only."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from participation.models import ArticlePrompt, Prompt, Story

STORIES_PER_PAGE = 10


def prompts_for(article) -> list[Prompt]:
    """The prompts an article shows, each with `story_count` (approved stories only), in one query:
    the ones editors chose for the article, in their order, else its topic's defaults, A to Z."""
    chosen = ArticlePrompt.objects.filter(article=article, prompt=OuterRef("pk"))
    counted = (
        Story.objects.public()
        .filter(article=article, prompt=OuterRef("pk"))
        .order_by()
        .values("prompt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    prompts = list(
        Prompt.objects.annotate(
            chosen=Exists(chosen),
            position=Subquery(chosen.values("position")[:1]),
            by_topic=Exists(Prompt.topics.through.objects.filter(prompt=OuterRef("pk"), topic_id=article.topic_id)),
            story_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        )
        .filter(Q(chosen=True) | Q(by_topic=True))
        .order_by("text")
    )
    own = sorted((p for p in prompts if p.chosen), key=lambda p: (p.position, p.pk))
    return own or prompts


def prompt_for(article, prompt_slug: str) -> Prompt | None:
    return next((p for p in prompts_for(article) if p.slug == prompt_slug), None)


def stories_page(article, prompt, page):
    """Approved stories under one prompt of one article, newest first, paginated."""
    stories = (
        Story.objects.public()
        .filter(article=article, prompt=prompt)
        .only("display_name", "text", "created_at", "article_id", "prompt_id")
        .order_by("-created_at", "-pk")
    )
    return Paginator(stories, STORIES_PER_PAGE).get_page(page)
