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


def _citation_markup(match: re.Match, anchor: str | None = None) -> str:
    numbers = [int(part) for part in match.group(1).split(",")]
    links = ", ".join(f'<a href="#ref-{n}" class="citation-link">{n}</a>' for n in numbers)
    id_attr = f' id="{anchor}"' if anchor else ""
    return f'<sup class="citation"{id_attr}>[{links}]</sup>'


# A rendered citation marker: its anchor id and the reference numbers it links to.
RENDERED_MARKER = re.compile(r'<sup class="citation" id="([\w-]+)">(.*?)</sup>', re.S)
REF_LINK = re.compile(r'href="#ref-(\d+)"')


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str, anchor_prefix: str = "cite") -> str:
    """Markdown (with tables and citation markers) to sanitized HTML.

    Each citation marker gets an id (`cite-1`, `cite-2`, ... in order of
    appearance; pass another `anchor_prefix` for text shown on the same page,
    such as FAQ answers) so the reference list can link back to it.
    """
    counter = iter(range(1, 1_000_000))
    text = CITATION_PATTERN.sub(lambda match: _citation_markup(match, f"{anchor_prefix}-{next(counter)}"), text or "")
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return sanitize(html)


def citation_anchors(html: str) -> dict[int, list[str]]:
    """{reference number: [ids of the markers citing it, in order]} for rendered HTML."""
    anchors: dict[int, list[str]] = {}
    for match in RENDERED_MARKER.finditer(html):
        for number in REF_LINK.findall(match.group(2)):
            anchors.setdefault(int(number), []).append(match.group(1))
    return anchors
