"""How readers' writing meets the page cache (pagecache/).

Readers' writes keep narrow tags, so a story does not empty the cache:

    stories:<article slug>                 the article page ("Read 12 stories", one per prompt)
    stories:<article slug>:<prompt slug>   that prompt's story pages

A story is public only once a moderator approved it, so only moderation changes these
pages: approving, rejecting after approval, hiding by reports and editing an approved
story replace exactly the two tags of that story (`story_changed`). Posting a story
changes nothing public and invalidates nothing.

The pages declare these tags in their URLconf (`cached_page(..., tags=[...])`): the article
page through its panel (participation/panels.py, read by reader/urls.py), the story pages in
participation/urls.py.

Prompts, and editors' changes of an answered question (its topic, causes, article), are
editorial: any such change is an editorial change (`content_changed`: every page misses once,
rare like every editorial change).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from pagecache.tags import content_changed, invalidate


def article_tag(article_slug: str) -> str:
    return f"stories:{article_slug}"


def prompt_tag(article_slug: str, prompt_slug: str) -> str:
    return f"stories:{article_slug}:{prompt_slug}"


def story_tags(story) -> list[str]:
    return [article_tag(story.article.slug), prompt_tag(story.article.slug, story.prompt.slug)]


def story_changed(*stories) -> None:
    """What readers see of these stories changed: refresh the pages that show them, only those."""
    invalidate(*(tag for story in stories for tag in story_tags(story)))


def _prompts_changed(sender, **kwargs):
    content_changed()


def _question_changed(sender, instance, **kwargs):
    """An editor's change of a public (answered) question: its topic, causes or article show on
    its page, lists and search. A reader's new question is private and changes nothing public."""
    question = instance if hasattr(instance, "live_answer_id") else None
    if question is None or question.live_answer_id:
        content_changed()


def connect_signals() -> None:
    from participation.models import ArticlePrompt, Prompt, Question

    for model in (Prompt, ArticlePrompt):
        post_save.connect(_prompts_changed, sender=model, dispatch_uid=f"participation-{model.__name__}-saved")
        post_delete.connect(_prompts_changed, sender=model, dispatch_uid=f"participation-{model.__name__}-deleted")
    m2m_changed.connect(_prompts_changed, sender=Prompt.topics.through, dispatch_uid="participation-prompt-topics")
    post_save.connect(_question_changed, sender=Question, dispatch_uid="participation-question-saved")
    post_delete.connect(_question_changed, sender=Question, dispatch_uid="participation-question-deleted")
    m2m_changed.connect(_question_changed, sender=Question.causes.through, dispatch_uid="participation-question-causes")
