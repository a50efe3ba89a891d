"""Markdown to safe HTML.

Editors write Markdown; readers get HTML that has been through an allow-list
sanitizer (nh3), so no script, event handler or javascript: URL survives,
whatever was typed. Citation markers become links to the numbered references:
`[@maquirriain2007]` / `[@key1; @key2]` cite sources from the library by key and
are numbered in order of first citation; `[@1]` / `[@1,3]` are the hand-numbered
references of versions written before the library (references/keys.py).
"""

import re
import secrets

import markdown
import nh3
from django.utils.html import escape

from references.keys import CITATION_PATTERN, citation_tokens, is_number, key_numbers

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


def _citation_markup(match: re.Match, numbers: dict[str, int], anchor: str | None = None) -> str:
    parts = []
    for token in citation_tokens(match):
        number = int(token) if is_number(token) else numbers.get(token)
        if number is None:  # an unknown key: only a draft can show this (it cannot be submitted)
            parts.append(f'<abbr title="not in the source library">{escape(token)}?</abbr>')
        else:
            parts.append(f'<a href="#ref-{number}" class="citation-link">{number}</a>')
    id_attr = f' id="{anchor}"' if anchor else ""
    return f'<sup class="citation"{id_attr}>[{", ".join(parts)}]</sup>'


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


# A picture on a line of its own; a browser's textarea sends CRLF line ends, so \r counts as trailing space.
IMAGE_LINE = re.compile(r"^!\[\[image:([A-Za-z0-9][\w-]*)\]\][ \t\r]*$", re.M)


def _place_images(text: str, figures: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Swap each ![[image:KEY]] line for a one-off placeholder paragraph; returns {placeholder: figure HTML}."""
    token = secrets.token_hex(8)
    slots: dict[str, str] = {}

    def slot(match: re.Match) -> str:
        key = match.group(1)
        name = f"image-{token}-{len(slots)}"
        slots[name] = figures.get(key) or (
            f'<p class="image-missing">[picture “{escape(key)}” is not in the image library]</p>'
        )
        return f"\n\n{name}\n\n"

    return IMAGE_LINE.sub(slot, text), slots


def render_markdown(
    text: str,
    anchor_prefix: str = "cite",
    numbers: dict[str, int] | None = None,
    figures: dict[str, str] | None = None,
) -> str:
    """Markdown (with tables and citation markers) to sanitized HTML.

    Each citation marker gets an id (`cite-1`, `cite-2`, ... in order of
    appearance; pass another `anchor_prefix` for text shown on the same page,
    such as FAQ answers) so the reference list can link back to it. `numbers`
    maps cited keys to reference numbers (for the whole page: see
    `articles.derived`); by default the text's own order of first citation.
    `figures` maps image keys to their <figure> HTML (images/markup.py, built
    from escaped values): it goes in after sanitizing, in place of each
    ![[image:KEY]] line; without it such lines stay text.
    """
    numbers = key_numbers([text]) if numbers is None else numbers
    slots: dict[str, str] = {}
    if figures is not None:
        text, slots = _place_images(text or "", figures)
    counter = iter(range(1, 1_000_000))
    text = CITATION_PATTERN.sub(
        lambda match: _citation_markup(match, numbers, f"{anchor_prefix}-{next(counter)}"), text or ""
    )
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    html = sanitize(html)
    for name, figure in slots.items():
        html = html.replace(f"<p>{name}</p>", figure)
    return html


def citation_anchors(html: str) -> dict[int, list[str]]:
    """{reference number: [ids of the markers citing it, in order]} for rendered HTML."""
    anchors: dict[int, list[str]] = {}
    for match in RENDERED_MARKER.finditer(html):
        for number in REF_LINK.findall(match.group(2)):
            anchors.setdefault(int(number), []).append(match.group(1))
    return anchors
