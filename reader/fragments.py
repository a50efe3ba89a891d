"""The article page's work done once, not on every request: it is kept until something it
shows changes.

A signed-off version never changes, but its page also shows what editors may change (a
person's name and credentials, a cause's name or group, a source, the article's review dates
and history): each part records what it showed while it was made (`pagecache.shown.recording`:
the article, the people, causes, topics and series loaded, the lists they come from) and is
kept under those keys' tokens, which a change of any of them replaces (articles.freshness),
keyed by the article's address and the day (`live_page`):

- the shell: the article with its live version's short fields, topic, reviewer, vote counts
  and series navigation (also under the article's `votes:` tag);
- the live version's fragments: the byline box, the version's content (contents, body, FAQ,
  causes, references, credits, review history), the JSON-LD and the Open Graph picture;
- the related articles;
- the panels apps above the public site add (reader/panels.py), each also under its own tags:
  participation's readers' prompts, under the article's `stories:` tag (their counts of approved
  stories).

They are fresh exactly as long as a cached page is, and are read with their tokens in two
round trips: a warm page runs no query (one more for a reader whose browser voted). A page
made from kept parts carries the same Surrogate-Key for the proxy as one rendered whole; a
part that showed an article withdrawn since is made again whatever its tokens say
(`pagecache.withdrawn`). What
depends on the moment is worked out per request from the kept data (the overdue notice).

Only a live (signed-off) version is ever kept: a preview renders its version every time
(`render_version`), since a draft changes. With SPASMINFO_FRAGMENT_CACHE off (tests, unless
they switch it on) every request renders everything.
"""

import copy
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.models import Article, ArticleVersion
from articles.models.articles import live_content_prefetches
from articles.review_history import prefetch as review_history_prefetch
from articles.review_history import review_history
from images.markup import credits
from pagecache import shown, tags, withdrawn
from pagecache.release import release
from pagecache.tags import CONTENT, EPOCH
from reader import panels, selectors
from reader.structured_data import article_structured_data, image_url, json_ld_script


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
    """Everything the live version's page shows that is not per request, computed now. The
    article was read without the version's long text (`selectors.article_page`): it is read here,
    into a copy, so the shell kept beside these fragments stays without it."""
    article = copy.copy(article)
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
        "og_image": request.build_absolute_uri(image_url(version.shared_picture(images).image)) if images else "",
        "cause_ids": [link.tag_id for link in version.cause_links.all()],  # for the related articles
    }


def _related(article: Article, cause_ids: list[int]) -> dict:
    return {"related": render_related(selectors.related_articles(article, cause_ids))}


def _site(request: HttpRequest) -> str:
    """Absolute URLs (JSON-LD, og:image) name the host the page was asked for."""
    return hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:16]


Part = dict  # a fragment's context entries, by name


def live_page(slug: str, request: HttpRequest, shell: Callable[[str], Part]) -> Part:
    """The context of the live article's page at `slug` (Http404, from `shell`, if there is none).

    `shell(slug)` reads what the page shows of the article itself (the article with its live
    version's short fields and vote counts, the series), kept until something it shows changes or
    a reader votes; then, from its article, the live version's fragments (byline, version_content,
    structured_data, og_image), the related articles and the panels (reader.panels), each kept until a
    key it showed or a tag it depends on is replaced. Every key names the day, as what is live and listed may change
    at midnight with no editorial change (OVERDUE_POLICY=hide), and the release (`pagecache.release`)."""
    from reader.helpful import votes_tag

    day = f"{timezone.localdate().isoformat()}:{release()}"  # and the code that made it
    votes = votes_tag(slug)
    shown_panels = panels.panels()
    parts = {  # name: (cache key, the tags it depends on)
        "shell": (f"fragments:shell:{slug}:{day}", (CONTENT, votes)),
        "version": (f"fragments:version:{slug}:{day}:{_site(request)}", (CONTENT,)),
        "related": (f"fragments:related:{slug}:{day}", (CONTENT,)),
        **{
            panel.name: (f"fragments:{panel.name}:{slug}:{day}", (CONTENT, *(t.format(slug=slug) for t in panel.tags)))
            for panel in shown_panels
        },
    }
    if settings.SPASMINFO_FRAGMENT_CACHE:
        depends_on = list(dict.fromkeys(tag for _, depends in parts.values() for tag in depends))
        found = cache.get_many([key for key, _ in parts.values()] + [tags.token_key(t) for t in depends_on] + [EPOCH])
        # the tokens of what the kept parts showed: one more round trip
        shown_tokens = {k for key, _ in parts.values() if _kept(found.get(key)) for k in found[key]["tokens"]}
        missing = [key for key in shown_tokens if key not in found]
        if missing:
            found.update(cache.get_many(missing))
        epoch = tags.epoch_before_rendering(found)  # read before the work: a change meanwhile replaces it
    else:
        found, epoch = {}, None
    made: dict[str, tuple[Part, shown.Record, tuple]] = {}
    started = time.time()

    def part(name: str, make: Callable[[], Part]) -> Part:
        key, depends = parts[name]
        entry = found.get(key)
        if (
            epoch is not None
            and _kept(entry)
            and tags.current(entry["tokens"], found)
            and not withdrawn.stale(shown.keys_of(entry["shown"]), entry.get("stored_at"))  # whatever the cache says
        ):
            shown.show(entry["shown"])  # the page carries the same keys as when it was made
            return entry["parts"]
        with shown.recording() as record:  # the keys of what it shows (articles, lists)
            work = make()
        if epoch is not None:
            made[key] = (work, record, depends)
        return work

    page = dict(part("shell", lambda: shell(slug)))  # a copy: the kept entry stays the shell alone
    article = page["article"]
    if not article.live_version.is_signed_off:
        raise ValueError("Only a signed-off version's fragments are kept.")
    page.update(part("version", lambda: _live_version(article, request)))
    page.update(part("related", lambda: _related(article, page["cause_ids"])))
    for panel in shown_panels:
        page.update(part(panel.name, lambda panel=panel: {panel.context: panel.render(article)}))
    if made:
        _keep(made, epoch, started)
    return page


def _kept(entry) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("tokens"), dict) and "shown" in entry


def _keep(made: dict[str, tuple[Part, "shown.Record", tuple]], epoch: str, started: float) -> None:
    """Keep each part made under the tokens of what it depends on and what it showed, unless a
    change committed while they were made (`tags.tokens_after_rendering`)."""
    depends = {key: [*tags_, *shown.page_keys(record)] for key, (_, record, tags_) in made.items()}
    try:
        found = tags.tokens_after_rendering([tag for key in depends for tag in depends[key]], epoch)
    except tags.ChangedWhileRendering:
        return
    if found is None:
        return
    keep = {
        key: {
            "tokens": {tags.token_key(tag): found[tags.token_key(tag)] for tag in depends[key]},
            "parts": work,
            "shown": record,
            "stored_at": started,
        }
        for key, (work, record, _) in made.items()
    }
    cache.set_many(keep, timeout=settings.SPASMINFO_PAGE_CACHE_SECONDS)
