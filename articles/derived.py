"""What is derived from a version's content, computed once when it is signed off.

A signed-off version never changes, so its rendered HTML and everything else
readers need that can be computed from the content is stored at sign-off, not
recomputed on each request:

    body_html, FaqEntry.answer_html   sanitized HTML, citation markers with ids
    toc                               the body's ## and ### headings (id, text, level)
    citation_backlinks                for each reference, the markers that cite it
    reading_minutes                   at 200 words a minute
    search_causes, search_text        the plain text search indexes (see search/index.py)

`approve_version` calls `freeze_derived_content` just before the version is
frozen; for drafts, `preview_derived_content` does the same work in memory
without saving. The search indexes themselves are filled by database triggers
when a version's status becomes approved (migration 0004_reader_site).
"""

import html
import math
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from articles.models import ArticleVersion
from articles.rendering import RENDERED_MARKER, citation_anchors, render_markdown
from references.keys import key_numbers

WORDS_PER_MINUTE = 200
HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)


MARKER_WITH_SPACE = re.compile(r"\s*" + RENDERED_MARKER.pattern, re.S)
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|tr|blockquote|pre)>|<br\s*/?>", re.I)


def plain_text(rendered_html: str) -> str:
    """Readable text of rendered HTML without citation markers: one line per block
    (paragraph, list item, heading, cell), so snippets never run two blocks together."""
    # "tied to it [@1]." renders a space before the marker: drop it with the marker, not just the marker
    one_line = re.sub(r"\s+", " ", MARKER_WITH_SPACE.sub("", rendered_html))
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


@dataclass
class Derived:
    """What `derive` computes from a version's text (see the module docstring)."""

    body_html: str
    answers_html: list[str]
    toc: list[dict]
    citation_backlinks: dict[str, list[str]]
    reading_minutes: int
    search_text: str

    def apply(self, version: ArticleVersion, faq: list, cause_names) -> None:
        """Put the derived fields on an (unsaved) version and its FAQ entries, in order."""
        version.body_html = self.body_html
        for entry, answer_html in zip(faq, self.answers_html, strict=True):
            entry.answer_html = answer_html
        version.toc = self.toc
        version.citation_backlinks = self.citation_backlinks
        version.reading_minutes = self.reading_minutes
        version.search_causes = " ".join(sorted(cause_names))
        version.search_text = self.search_text


def derive(
    body: str, faq: list[tuple[str, str]], *, numbers: dict[str, int] | None = None, figures: dict | None = None
) -> Derived:
    """Everything derived from a body and its FAQ ((question, answer) pairs, in order).

    `numbers` maps the library keys cited (`[@key]`) to their reference numbers, `figures` the
    image keys placed (`![[image:key]]`) to their <figure> HTML (images/markup.py).
    A pure function of its arguments: the workflow (`freeze_derived_content`) and the
    development package's synthetic writer (devtools/synthetic.py) both call it.
    """
    body_html = render_markdown(body, numbers=numbers, figures=figures)
    answers_html = [
        render_markdown(answer, anchor_prefix=faq_anchor_prefix(i), numbers=numbers)
        for i, (_, answer) in enumerate(faq)
    ]
    backlinks: dict[str, list[str]] = {}
    for rendered in [body_html, *answers_html]:
        for number, anchors in citation_anchors(rendered).items():
            backlinks.setdefault(str(number), []).extend(anchors)
    body_text = plain_text(body_html)
    answers = [
        (question, plain_text(answer_html)) for (question, _), answer_html in zip(faq, answers_html, strict=True)
    ]
    return Derived(
        body_html=body_html,
        answers_html=answers_html,
        toc=toc_from_html(body_html),
        citation_backlinks=backlinks,
        reading_minutes=reading_minutes(" ".join([body_text, *(f"{q} {a}" for q, a in answers)])),
        search_text="\n".join([body_text, *(f"{q}\n{a}" for q, a in answers)]),
    )


def citation_numbers(version: ArticleVersion, faq: list, references=None) -> dict[str, int]:
    """{library key: reference number} for the whole page (body, then FAQ answers)."""
    if references is None:
        references = version.references.all()
    numbers = {ref.key: ref.number for ref in references if ref.key}
    return numbers or key_numbers([version.body, *(entry.answer for entry in faq)])


def preview_derived_content(version: ArticleVersion, references=None, images=None) -> list:
    """Fill the derived fields in memory (for previews); returns the FAQ entries.

    `references`, `images`: the lists the page shows (default: the version's stored snapshots)."""
    from images.markup import figures

    faq = list(version.faq_entries.all())
    numbers = citation_numbers(version, faq, references)
    if images is None:
        images = list(version.image_links.select_related("image"))
    causes = version.cause_links.select_related("tag")
    derive(version.body, [(e.question, e.answer) for e in faq], numbers=numbers, figures=figures(images)).apply(
        version, faq, [link.tag.name for link in causes]
    )
    return faq


def freeze_derived_content(version: ArticleVersion) -> None:
    """Compute and save the derived fields of a version about to be signed off."""
    from articles.signals import version_frozen

    faq = preview_derived_content(version)
    for entry in faq:
        entry.save(update_fields=["answer_html"])
    version_frozen.send(sender=type(version), version=version, faq=faq)
    # version itself is saved by the caller together with its new status
