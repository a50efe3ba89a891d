"""Navigation for public pages: `{% fixed_url name %}`, `{% breadcrumbs name url ... current_name %}`
and `|scrollable_tables` (a signed-off body's tables in keyboard-reachable scroll regions).

`fixed_url` is `{% url name %}` for a route without arguments, worked out once per process:
the header and footer of every page name a dozen such routes, and reversing each on every
request was a quarter of an article page's template time once its content was kept.


Home comes first by itself; then name, url pairs; the last argument is the
current page's name (not a link, aria-current="page"). Renders
templates/includes/breadcrumbs.html: the visible trail and its schema.org
BreadcrumbList JSON-LD, with absolute URLs. Any public page can use it, e.g. a
question page: {% breadcrumbs "Questions" questions_url question.title %}.
"""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reader.structured_data import json_ld_script

register = template.Library()


@lru_cache(maxsize=128)
def _fixed_url(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)  # `prefix` is in the key: reverse() prepends it


@register.simple_tag
def fixed_url(name: str) -> str:
    """The address of the route `name`, which takes no arguments ("articles:search")."""
    return _fixed_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


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


_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


@register.filter(is_safe=True)
def scrollable_tables(html: str) -> SafeString:
    """Each table of signed-off HTML inside a labelled region that scrolls on its own and can be
    reached with the keyboard (a narrow screen scrolls the table, not the page). Applied as the
    page shows the HTML: what was signed off is not changed."""
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        caption = _CAPTION.search(match.group(0))
        label = escape(_TAGS.sub("", caption.group(1)).strip()) if caption else f"Table {count}"
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label} (scrolls sideways)">'
            f"{match.group(0)}</div>"
        )

    return mark_safe(_TABLE.sub(wrap, str(html)))  # the HTML was sanitised at sign-off; only a wrapper is added
