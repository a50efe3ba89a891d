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


# --- questions --------------------------------------------------------------------------------

QUESTIONS_PER_PAGE = 20


def answered_questions():
    """Public questions (accepted, answer signed off), newest answer first, with what a list shows."""
    from participation.models import Question

    return Question.objects.public().select_related("live_answer__answerer").order_by("-answered_at", "-pk")


def question_page(slug: str):
    """A public question with its answer, answerer, topic and article (if live), votes counted; one query.

    `topic_is_public` says whether its topic may be shown: `Topic.objects.public()`, the rule that
    makes a topic's own page a 404 when no live article is filed under it."""
    from django.db.models import Count, Exists, OuterRef, Q

    from articles.models import Article
    from taxonomy.models import Topic

    return (
        answered_questions()
        .select_related("topic", "article__live_version")
        .annotate(
            article_is_live=Exists(Article.objects.live().filter(pk=OuterRef("article_id"))),
            topic_is_public=Exists(Topic.objects.public().filter(pk=OuterRef("topic_id"))),
            helpful_yes=Count("votes", filter=Q(votes__helpful=True), distinct=True),
            helpful_total=Count("votes", distinct=True),
        )
        .get(slug=slug)
    )


def public_causes(question) -> list:
    """The question's causes that a reader may follow: `Cause.objects.public()`, the rule that makes
    a cause's own page a 404 when no live article discusses it."""
    return list(question.causes.public())


def answerer_totals(person) -> dict:
    """Answers given (signed off, public) and helpful votes they received, in one query."""
    from django.db.models import Count, Q

    from participation.models import Question

    totals = (
        Question.objects.public()
        .filter(live_answer__answerer=person)
        .aggregate(answers=Count("pk", distinct=True), helpful=Count("votes", filter=Q(votes__helpful=True)))
    )
    return totals


def next_question(question):
    """The next answered question (the one answered just before), wrapping to the newest; one query."""
    from django.db.models import Case, IntegerField, Value, When

    older = Case(
        When(answered_at__lt=question.answered_at, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return (
        answered_questions()
        .exclude(pk=question.pk)
        .annotate(older=older)
        .order_by("-older", "-answered_at", "-pk")
        .first()
    )


def questions_matching(query: str, limit: int = 5):
    """Answered questions whose words include every word of `query` (for search and suggestions)."""
    from django.db.models import Q

    words = [w for w in query.split() if len(w) > 2][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(text__icontains=word) | Q(live_answer__body__icontains=word)
    return list(answered_questions().filter(condition)[:limit])
