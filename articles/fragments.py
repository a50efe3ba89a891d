"""The article page's work done once, not on every request: per signed-off version, and per
change of the related articles' inputs.

A signed-off version never changes, but its page also shows what editors may change (a
person's name and credentials, a cause's name or group, a source, the article's review dates
and history): each such change is an editorial change, which replaces the content generation
(articles.caching). So the live version's fragments are kept under the version's key *and*
the generation's token: the byline box, the version's content (contents, body, FAQ, causes,
references, credits, review history), the JSON-LD and the Open Graph picture; the related
articles under the article's key and the token, and the readers' prompts under the article's
key, the token and the article's stories tag (their counts of approved stories). They are
fresh exactly as long as a cached page is, and are read with the tokens in one round trip.
Each keeps what it showed (`caching.recording`: the related articles, the lists they come
from), so a page made from kept fragments carries the same Surrogate-Key for the proxy.

Per request (`reader_page.live_page_context` and the view): the article with its live version
(without its long text) and vote counts, in one query; the series navigation; what depends on
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
from articles.caching import CONTENT
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


def render_prompts(article: Article) -> SafeString:
    """The readers' prompts with their approved stories' counts (participation)."""
    from participation.selectors import prompts_for

    return render_to_string("participation/_prompts.html", {"article": article, "prompts": prompts_for(article)})


def _live_version(article: Article, request: HttpRequest) -> dict:
    """Everything the live version's page shows that is not per request, computed now. The
    article was read without the version's long text (`selectors.article_page`): read it here."""
    article.live_version = ArticleVersion.objects.get(pk=article.live_version_id)
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


def _related(article: Article) -> dict:
    cause_ids = [link.tag_id for link in article.live_version.cause_links.all()]
    return {"related": render_related(selectors.related_articles(article, cause_ids))}


def _site(request: HttpRequest) -> str:
    """Absolute URLs (JSON-LD, og:image) name the host the page was asked for."""
    return hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:16]


def live_page(article: Article, request: HttpRequest) -> dict:
    """The fragments of a live article's page: byline, version_content, structured_data and
    og_image per live version; related and reader_prompts per article (the prompts also
    depend on the approved stories' tag). Each is kept until a tag it depends on is replaced."""
    from participation.caching import article_tag

    version = article.live_version
    if not version.is_signed_off:
        raise ValueError("Only a signed-off version's fragments are kept.")
    stories = article_tag(article.slug)
    parts = {  # key: (the tags it depends on, how to make it)
        f"fragments:version:{version.pk}:{_site(request)}": ((CONTENT,), lambda: _live_version(article, request)),
        f"fragments:related:{article.pk}": ((CONTENT,), lambda: _related(article)),
        f"fragments:prompts:{article.pk}": ((CONTENT, stories), lambda: {"reader_prompts": render_prompts(article)}),
    }
    if not settings.SPASMINFO_FRAGMENT_CACHE:
        return {name: html for _, make in parts.values() for name, html in make().items()}
    tags = (CONTENT, stories)
    found = cache.get_many([*parts, *(caching.token_key(tag) for tag in tags)])  # one round trip when warm
    current = caching.tokens(tags, found)  # read before the work: a change meanwhile replaces them
    page, keep = {}, {}
    for key, (depends, make) in parts.items():
        wanted = None if current is None else [current[tag] for tag in depends]
        entry = found.get(key)
        if wanted is None or not isinstance(entry, dict) or entry.get("tokens") != wanted:
            with caching.recording() as shown:  # the proxy keys of what it shows (related articles, lists)
                parts = make()
            entry = {"tokens": wanted, "parts": parts, "shown": shown}
            if wanted is not None:
                keep[key] = entry
        else:
            caching.show(entry["shown"])  # the page carries the same proxy keys as when it was made
        page.update(entry["parts"])
    if keep:
        cache.set_many(keep, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
    return page
