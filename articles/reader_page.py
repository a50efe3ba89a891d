"""What an article page shows, for readers and for previews alike.

The public article view and the admin's preview (of a draft, or of a version
awaiting review) both build their context here and render the one template,
articles/article_detail.html, so the reviewer signs off exactly the page
readers will get. A preview derives the version's HTML in memory
(`preview_derived_content`, the same code `freeze_derived_content` saves at
sign-off) and shows the byline as it would read after a sign-off today.
"""

import copy

from django.utils import timezone

from articles import selectors, sources
from articles.derived import preview_derived_content
from articles.models import Article, ArticleVersion, Person
from articles.review_history import HistoryEntry, review_history
from images.markup import credits
from images.usage import images_to_show


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


def article_page_context(
    article: Article, version: ArticleVersion, *, faq: list, references: list, images: list
) -> dict:
    """The template context of an article page showing `version` (with its derived fields filled)."""
    context = {
        "article": article,
        "version": version,
        "faq": faq,
        "references": [(ref, version.citation_backlinks.get(str(ref.number), [])) for ref in references],
        "image_credits": credits(images),
        "first_image": images[0].image if images else None,
        "review_history": review_history(article),
        **_series_context(article),
    }
    cause_ids = [link.tag_id for link in version.cause_links.all()]
    context["related"] = selectors.related_articles(article, cause_ids)
    return context


def preview_page_context(version: ArticleVersion, *, reviewer: Person | None) -> dict:
    """The page readers would get if `version` were signed off now by `reviewer` (None: not known yet).

    Nothing is saved: the article is copied in memory and given the sign-off's dates.
    """
    references = sources.references_to_show(version)
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
    context = article_page_context(article, version, faq=faq, references=references, images=images)
    if not already_live:
        # The review history as it will read: this sign-off is its newest entry.
        earlier = [entry for entry in context["review_history"] if entry.version_number != version.number]
        context["review_history"] = [
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
    return {**context, "preview": True}
