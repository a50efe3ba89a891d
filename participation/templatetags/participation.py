from django import template

from participation import caching, selectors

register = template.Library()


@register.inclusion_tag("participation/_prompts.html", takes_context=True)
def reader_prompts(context, article):
    """The article's prompts, each with "Share your story" and "Read N stories" (approved only).
    One query; the page is refreshed when a story under it is approved (participation.caching)."""
    request = context.get("request")
    if request is not None:
        caching.shows_stories(request, article.slug)
    return {"article": article, "prompts": selectors.prompts_for(article)}
