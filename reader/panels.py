"""What apps above the public site add to an article's page: panels.

The public site imports no app above it. An app that shows something on every article's page
(participation: the readers' prompts) registers a `Panel` here from its AppConfig.ready(). The
live page keeps each panel's rendering like its other parts (reader/fragments.py), under the
keys of what it showed and the panel's own tags; the article page's URL carries those tags too
(reader/urls.py), and a preview renders the panels every time (reader/page.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    name: str  # names its kept fragment: fragments:<name>:<slug>:...
    context: str  # the template variable the article page shows it by (templates/articles/article_detail.html)
    render: Callable[..., SafeString]  # of the article
    # the page-cache tags of what readers change on it, beside what it showed; formatted
    # with the article's slug, e.g. "stories:{slug}"
    tags: tuple[str, ...] = ()


_panels: dict[str, Panel] = {}


OWN_PARTS = {"shell", "version", "related"}  # the page's own kept parts (reader/fragments.py)


def register(panel: Panel) -> None:
    """Show `panel` on every article's page (once per name: registering it again replaces it)."""
    if panel.name in OWN_PARTS:
        raise ValueError(f"A panel may not be named {panel.name!r}: the article page keeps a part of that name.")
    _panels[panel.name] = panel


def panels() -> list[Panel]:
    return list(_panels.values())


def tags() -> list[str]:
    """Every panel's tag patterns, for the article page's URL (``cached_page(tags=...)``)."""
    return [tag for panel in panels() for tag in panel.tags]


def render(article) -> dict[str, SafeString]:
    """Every panel of the article's page, rendered now, by context name."""
    return {panel.context: panel.render(article) for panel in panels()}
