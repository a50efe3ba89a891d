"""Markdown to safe HTML.

Editors write Markdown; readers get HTML that has been through an allow-list
sanitizer (nh3), so no script, event handler or javascript: URL survives,
whatever was typed. Citation markers `[@1]` / `[@1,3]` become links to the
numbered references.
"""

import re

import markdown
import nh3

CITATION_PATTERN = re.compile(r"\[@(\d+(?:\s*,\s*\d+)*)\]")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "sup": {"class", "id"},
    "th": {"scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def cited_numbers(text: str) -> list[int]:
    """Reference numbers cited in `text`, in order of first appearance."""
    seen: dict[int, None] = {}
    for match in CITATION_PATTERN.finditer(text):
        for part in match.group(1).split(","):
            seen.setdefault(int(part), None)
    return list(seen)


def _citation_markup(match: re.Match) -> str:
    numbers = [int(part) for part in match.group(1).split(",")]
    links = ", ".join(f'<a href="#ref-{n}" class="citation-link">{n}</a>' for n in numbers)
    return f'<sup class="citation">[{links}]</sup>'


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (with tables and citation markers) to sanitized HTML."""
    text = CITATION_PATTERN.sub(_citation_markup, text or "")
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return sanitize(html)
