"""What an article page shows, for readers and for previews alike.

The public article view and the admin's preview (of a draft, or of a version
awaiting review) both build their context here and render the one template,
articles/article_detail.html, so the reviewer signs off exactly the page
readers will get. A preview derives the version's HTML in memory
(`preview_derived_content`, the same code `freeze_derived_content` saves at
sign-off) and shows the byline as it would read after a sign-off today.
Both render the version's parts with the same fragment templates
(reader/fragments.py); only the live page keeps them, per signed-off version.
"""

import copy

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import citing
from articles.derived import preview_derived_content
from articles.models import Article, ArticleVersion, Person
from articles.review_history import HistoryEntry, review_history
from images.usage import images_to_show
from reader import fragments, panels, selectors
from reader.structured_data import image_url


def _series_total(parts: list[Article]) -> int | None:
    if not parts or parts[0].series_size != len(parts):
        return None
    return max(part.part_number for part in parts)


def _series_context(article: Article) -> dict:
    if not article.series_id:
        return {}
    parts = selectors.series_parts(article)
    return {
        "series_parts": parts,
        # "of N" only when readers see every part: a hidden part is neither counted nor announced
        "series_total": _series_total(parts),
        "previous_part": next((p for p in reversed(parts) if p.part_number < article.part_number), None),
        "next_part": next((p for p in parts if p.part_number > article.part_number), None),
    }


def _shell(slug: str) -> dict:
    """What the live article's page shows of the article itself (`fragments.live_page`)."""
    article = selectors.article_page().filter(slug=slug).first()
    if article is None:
        raise Http404("No live article at this address.")
    return {"article": article, "version": article.live_version, **_series_context(article)}


def live_page_context(slug: str, request: HttpRequest) -> dict:
    """The template context of the live article's page at `slug` (the view adds the reader's
    vote); Http404 if there is none. Every part is kept until what it shows changes
    (reader.fragments)."""
    return fragments.live_page(slug, request, shell=_shell)


def preview_page_context(version: ArticleVersion, *, reviewer: Person | None) -> dict:
    """The page readers would get if `version` were signed off now by `reviewer` (None: not known yet).

    Nothing is saved: the article is copied in memory and given the sign-off's dates. Rendered
    every time, never kept (a draft changes): `fragments.render_version`, not `fragments.live_page`.
    """
    references = citing.references_to_show(version)
    images = images_to_show(version)
    signed_off = version.is_signed_off  # derived once already; a draft's is derived here, in memory
    faq = list(version.faq_entries.all()) if signed_off else preview_derived_content(version, references, images)
    article = copy.copy(version.article)
    already_live = version.pk == article.live_version_id  # then its page is shown with its real dates
    now = timezone.now()
    article.live_version = version
    article.first_published_at = article.first_published_at or now
    if not already_live:
        article.last_reviewed_at = now
        article.last_reviewed_by = reviewer
        article.next_review_due = article.compute_next_review_due()
    history = review_history(article)
    if not already_live:
        # The review history as it will read: this sign-off is its newest entry.
        earlier = [entry for entry in history if entry.version_number != version.number]
        history = [
            HistoryEntry(
                reviewed_at=now,
                reviewer=reviewer,
                version_number=version.number,
                text_changed=True,
                first=not any(entry.text_changed for entry in earlier),
                change_note=version.change_note,
            ),
            *earlier,
        ]
    context = fragments.version_context(
        article, version, faq=faq, references=references, images=images, history=history
    )
    cause_ids = [link.tag_id for link in version.cause_links.all()]
    return {
        **context,
        **fragments.render_version(context),
        **_series_context(article),
        "related": fragments.render_related(selectors.related_articles(article, cause_ids)),
        **panels.render(article),
        "first_image": version.shared_picture(images).image if images else None,
        "preview": True,
    }


def preview_response(request: HttpRequest, version: ArticleVersion, *, reviewer: Person | None) -> TemplateResponse:
    """The page of `version` rendered by the reader's template (articles/article_detail.html), as
    `preview_page_context` makes it: what the admin's preview frame shows (articles.version_page)."""
    context = preview_page_context(version, reviewer=reviewer)
    if context["first_image"] is not None:
        context["og_image"] = request.build_absolute_uri(image_url(context["first_image"]))
    return TemplateResponse(request, "articles/article_detail.html", context)
