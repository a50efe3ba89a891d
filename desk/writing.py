"""The writing surface's server side: the live preview (the reader's own rendering and sanitiser)
and the two choosers' searches (pictures from the library, sources by key, title, author or DOI)."""

from types import SimpleNamespace

from django.db.models import Q

from articles.rendering import IMAGE_LINE, render_markdown
from images.markup import figure_html
from images.models import Image
from references.models import Source

MAX_RESULTS = 12
MAX_QUERY_CHARS = 200
IMAGE_REFERENCE = "![[image:{key}]]"
CITATION = "[@{key}]"


def preview_html(text: str) -> str:
    """`text` as a reader would get it: Markdown, citations numbered in order, pictures placed from
    the library, all through the same allow-list sanitiser. An unknown picture or key is shown as such."""
    pictures = Image.objects.filter(key__in=IMAGE_LINE.findall(text or ""))
    figures = {
        image.key: figure_html(
            SimpleNamespace(
                image=image,
                alt_text=image.alt_text,
                decorative=image.decorative,
                caption=image.caption,
                credit=image.credit,
            ),
            lazy=False,
        )
        for image in pictures
    }
    return render_markdown(text, figures=figures)


def _query(text: str) -> str:
    return " ".join((text or "").split())[:MAX_QUERY_CHARS]


def search_images(query: str) -> list[dict[str, str]]:
    """Library pictures whose key, alt text or caption holds `query` (all of them, newest first, when empty)."""
    query = _query(query)
    images = Image.objects.order_by("-created_at")
    if query:
        images = images.filter(Q(key__icontains=query) | Q(alt_text__icontains=query) | Q(caption__icontains=query))
    return [
        {
            "key": image.key,
            "label": image.alt_text or image.caption or "(decorative)",
            "insert": IMAGE_REFERENCE.format(key=image.key),
        }
        for image in images[:MAX_RESULTS]
    ]


def search_sources(query: str) -> list[dict[str, str]]:
    """Library sources whose key, title, authors or DOI holds `query`."""
    query = _query(query)
    sources = Source.objects.order_by("key")
    if query:
        sources = sources.filter(
            Q(key__icontains=query) | Q(title__icontains=query) | Q(authors__icontains=query) | Q(doi__icontains=query)
        )
    return [
        {
            "key": source.key,
            "label": " · ".join(part for part in (source.authors, source.title, str(source.year or "")) if part),
            "insert": CITATION.format(key=source.key),
        }
        for source in sources[:MAX_RESULTS]
    ]
