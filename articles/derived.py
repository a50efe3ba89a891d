"""What is derived from a version's content, computed once when it is signed off.

A signed-off version never changes, so its rendered HTML and everything else
readers need that can be computed from the content is stored at sign-off, not
recomputed on each request:

    body_html, FaqEntry.answer_html   sanitized HTML, citation markers with ids
    toc                               the body's ## and ### headings (id, text, level)
    citation_backlinks                for each reference, the markers that cite it
    reading_minutes                   at 200 words a minute
    search_causes, search_text        the plain text search indexes (see articles/search.py)

`approve_version` calls `freeze_derived_content` just before the version is
frozen; for drafts, `preview_derived_content` does the same work in memory
without saving. The search indexes themselves are filled by database triggers
when a version's status becomes approved (migration 0004_reader_site).
"""

import html
import math
import re

from django.utils.html import strip_tags

from articles.models import ArticleVersion
from articles.rendering import RENDERED_MARKER, citation_anchors, render_markdown

WORDS_PER_MINUTE = 200
HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)


BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|tr|blockquote|pre)>|<br\s*/?>", re.I)


def plain_text(rendered_html: str) -> str:
    """Readable text of rendered HTML without citation markers: one line per block
    (paragraph, list item, heading, cell), so snippets never run two blocks together."""
    one_line = re.sub(r"\s+", " ", RENDERED_MARKER.sub("", rendered_html))
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", one_line)))
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def toc_from_html(rendered_html: str) -> list[dict]:
    """[{"id", "text", "level"}] for the body's h2 and h3 headings, in order."""
    return [
        {"id": anchor, "text": plain_text(inner), "level": int(level)}
        for level, anchor, inner in HEADING.findall(rendered_html)
    ]


def reading_minutes(text: str) -> int:
    words = len(text.split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def faq_anchor_prefix(index: int) -> str:
    return f"faq{index + 1}-cite"


def preview_derived_content(version: ArticleVersion) -> list:
    """Fill the derived fields in memory (for previews); returns the FAQ entries."""
    version.body_html = render_markdown(version.body)
    faq = list(version.faq_entries.all())
    for index, entry in enumerate(faq):
        entry.answer_html = render_markdown(entry.answer, anchor_prefix=faq_anchor_prefix(index))

    backlinks: dict[str, list[str]] = {}
    for rendered in [version.body_html, *(entry.answer_html for entry in faq)]:
        for number, anchors in citation_anchors(rendered).items():
            backlinks.setdefault(str(number), []).extend(anchors)
    version.citation_backlinks = backlinks
    version.toc = toc_from_html(version.body_html)

    body_text = plain_text(version.body_html)
    version.reading_minutes = reading_minutes(
        " ".join([body_text, *(f"{e.question} {plain_text(e.answer_html)}" for e in faq)])
    )
    version.search_causes = " ".join(sorted(link.tag.name for link in version.cause_links.select_related("tag")))
    version.search_text = "\n".join([body_text, *(f"{e.question}\n{plain_text(e.answer_html)}" for e in faq)])
    return faq


def freeze_derived_content(version: ArticleVersion) -> None:
    """Compute and save the derived fields of a version about to be signed off."""
    for entry in preview_derived_content(version):
        entry.save(update_fields=["answer_html"])
    # version itself is saved by the caller together with its new status
