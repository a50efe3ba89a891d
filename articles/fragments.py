"""The article page's work done once, not on every request: per signed-off version, and per
change of the related articles' inputs.

A signed-off version never changes, but its page also shows what editors may change (a
person's name and credentials, a cause's name or group, a source, the article's review dates
and history): each such change is an editorial change, which replaces the content generation
(articles.caching). So the live version's fragments are kept under the version's key *and*
the generation's token: the byline box, the version's content (contents, body, FAQ, causes,
references, credits, review history), the JSON-LD and the Open Graph picture; the related
articles under the article's key and the token. They are fresh exactly as long as a cached
page is, and are read with the token in one cache round trip.

Per request (`reader_page.live_page_context` and the view): the article with its live version
and vote counts (one query), the series navigation, the readers' prompts, and what depends on
today (the overdue notice).

Only a live (signed-off) version is ever kept: a preview renders its version every time
(`render_version`), since a draft changes. With SPASMINFO_FRAGMENT_CACHE off (tests, unless
they switch it on) every request renders everything.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles import caching, selectors
from articles.models import Article, ArticleVersion
from articles.models.articles import live_content_prefetches
from articles.review_history import prefetch as review_history_prefetch
from articles.review_history import review_history
from articles.structured_data import article_structured_data, image_url, json_ld_script
from images.markup import credits


def version_context(article: Article, version: ArticleVersion, *, faq, references, images, history) -> dict:
    """What a version's fragments show (the version's parts as given: prefetched, or a preview's)."""
    return {
        "article": article,
        "version": version,
        "faq": faq,
        "references": [(ref, version.citation_backlinks.get(str(ref.number), [])) for ref in references],
        "image_credits": credits(images),
        "review_history": history,
    }


def render_version(context: dict) -> dict[str, SafeString]:
    """The byline box and the version's content, rendered now (from `version_context`)."""
    return {
        "byline": render_to_string("articles/_byline.html", context),
        "version_content": render_to_string("articles/_version_content.html", context),
    }


def render_related(related: list[Article]) -> SafeString:
    return render_to_string("articles/_related.html", {"related": related})


def _live_version(article: Article, request: HttpRequest) -> dict:
    """Everything the live version's page shows that is not per request, computed now."""
    version = article.live_version
    prefetch_related_objects([article], *live_content_prefetches(), review_history_prefetch())
    images = list(version.image_links.all())
    context = version_context(
        article,
        version,
        faq=list(version.faq_entries.all()),
        references=list(version.references.all()),
        images=images,
        history=review_history(article),
    )
    return {
        **render_version(context),
        "structured_data": json_ld_script(article_structured_data(article, request)),
        "og_image": request.build_absolute_uri(image_url(images[0].image)) if images else "",
    }


def _related(article: Article) -> SafeString:
    cause_ids = [link.tag_id for link in article.live_version.cause_links.all()]
    return render_related(selectors.related_articles(article, cause_ids))


def _version_key(version: ArticleVersion, request: HttpRequest) -> str:
    if not version.is_signed_off:
        raise ValueError("Only a signed-off version's fragments are kept.")
    # Absolute URLs (JSON-LD, og:image) name the host the page was asked for.
    site = hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:16]
    return f"fragments:version:{version.pk}:{site}"


def _related_key(article: Article) -> str:
    return f"fragments:related:{article.pk}"


def live_page(article: Article, request: HttpRequest) -> dict:
    """The fragments of a live article's page: byline, version_content, structured_data,
    og_image (per live version) and related (per article), each kept until the next
    editorial change. A miss reads the version's parts (`live_content_prefetches` and the
    review history) on the article it is given."""
    if not settings.SPASMINFO_FRAGMENT_CACHE:
        return {**_live_version(article, request), "related": _related(article)}
    version_key, related_key = _version_key(article.live_version, request), _related_key(article)
    found = cache.get_many([version_key, related_key, caching.GENERATION_KEY])  # one round trip when warm
    token = caching.generation(found)  # read before the work: a change meanwhile replaces it
    keep = {}
    fragments = found.get(version_key)
    if token is None or fragments is None or fragments["token"] != token:
        fragments = keep[version_key] = {**_live_version(article, request), "token": token}
    related = found.get(related_key)
    if token is None or related is None or related["token"] != token:
        related = keep[related_key] = {"related": _related(article), "token": token}
    if keep and token is not None:
        cache.set_many(keep, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
    return {**{name: value for name, value in fragments.items() if name != "token"}, "related": related["related"]}
