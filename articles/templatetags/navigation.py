"""Breadcrumbs for public pages: `{% breadcrumbs name url ... current_name %}`.

Home comes first by itself; then name, url pairs; the last argument is the
current page's name (not a link, aria-current="page"). Renders
templates/includes/breadcrumbs.html: the visible trail and its schema.org
BreadcrumbList JSON-LD, with absolute URLs. Any public page can use it, e.g. a
question page: {% breadcrumbs "Questions" questions_url question.title %}.
"""

from django import template
from django.urls import reverse

from articles.structured_data import json_ld_script

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *trail):
    if not trail or len(trail) % 2 != 1:
        raise template.TemplateSyntaxError("breadcrumbs takes name, url pairs, then the current page's name")
    request = context["request"]
    *pairs, current = trail
    links = [("Home", reverse("articles:home")), *zip(pairs[::2], pairs[1::2], strict=True)]
    items = [*links, (current, request.path)]
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": str(name), "item": request.build_absolute_uri(url)}
            for position, (name, url) in enumerate(items, 1)
        ],
    }
    return {"links": links, "current": current, "structured_data": json_ld_script(data)}
