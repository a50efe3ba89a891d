from django import template

from participation import selectors

register = template.Library()


@register.inclusion_tag("participation/_prompts.html", takes_context=True)
def reader_prompts(context, article):
    """The article's prompts, each with "Share your story" and "Read N stories" (approved only).
    One query; the article page declares the tag "stories:<slug>" (reader/urls.py, from participation.panels), so it is
    refreshed when a story under it is approved (participation.caching)."""
    return {"article": article, "prompts": selectors.prompts_for(article)}


@register.inclusion_tag("participation/_moderation_dashboard.html", takes_context=True)
def moderation_dashboard(context):
    """For moderators, at the top of the admin index: what waits for them."""
    from participation.models import Report, Story

    user = context["request"].user
    if not user.has_perm("participation.moderate_story"):
        return {"is_moderator": False}
    return {
        "is_moderator": True,
        "waiting": Story.objects.awaiting_moderation().count(),
        "story_reports": Report.objects.open().filter(story__isnull=False).count(),
    }


@register.inclusion_tag("participation/_question_results.html")
def answered_questions_matching(query):
    """Search results: answered questions that contain every word of the query (one query)."""
    from participation.selectors import questions_matching

    return {"questions": questions_matching(query or "")}
