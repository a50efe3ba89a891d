"""Read-side queries for the reader site: what each public page lists, and how.

Every queryset here starts from `Article.objects.live()` or `.listed()` (the one
visibility rule). Every list a page shows comes from here, and says which memberships it
lists (`pagecache.shown.lists`): the keys by which a proxy purges the page when an article joins or
leaves it (the articles the page shows are keyed by themselves, articles.freshness). Views
in both apps (`reader.views`, `reader.taxonomy_views`) call these
functions and never each other; a query that bounds its work at any size says how.
"""

from math import ceil

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower

from articles.freshness import cause_key, person_key, series_key, topic_key
from articles.lookups import EqualsAny
from articles.models import Article, ArticleRedirect, VersionCause
from pagecache.middleware import serve_uncached
from pagecache.shown import LISTINGS, lists
from reader.models import with_helpful_counts
from taxonomy.models import Cause, CauseGroup, Topic

HOME_LIST_LENGTH = 6
RELATED_LENGTH = 4
LIST_PAGE_LENGTH = 30  # cause, topic and person pages
A_TO_Z_PAGE_LENGTH = 100  # the A to Z, by letter then page
A_TO_Z_LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
A_TO_Z_OTHER = "0"  # titles that start with anything else (a digit, an accented letter)
RELATED_CANDIDATES = 50  # per cause and for the topic: bounds the work whatever the number of articles
RELATED_CAUSES = 8  # causes that bring candidates (an overview article can discuss dozens)


class UncountedPage(Page):
    """A page that knows whether another follows without knowing how many there are."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


class UncountedPaginator(Paginator):
    """Pages of a long list without counting it: a page reads one row more than it shows, to
    know whether another follows. Counting reads every match (thousands of articles for a
    common cause at 100k), so page 1 now costs the same at any size; page N reads N pages.
    A bad page number gives page 1; one past the end gives the last page (found by the one
    count, bounded by the rows before the page asked for)."""

    counted = False  # the pager shows "Page N", not "of M" (templates/includes/pager.html)

    MAX_PAGE = 100_000

    def get_page(self, number) -> UncountedPage:
        try:
            number = min(max(int(number), 1), self.MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        rows = self._rows(number)
        if not rows and number > 1:
            number = max(1, ceil(self.count / self.per_page))
            rows = self._rows(number)
        return UncountedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, number: int) -> list:
        bottom = (number - 1) * self.per_page
        return list(self.object_list[bottom : bottom + self.per_page + 1])


class NearestPageMixin:
    """`paginate_by` for a list page, uncounted; a bad or too large page number gives the nearest page (not a 404)."""

    paginator_class = UncountedPaginator

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        requested = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(requested)
        if requested is not None and requested != str(page.number):
            serve_uncached(self.request)  # not the page the URL names: do not let such URLs fill the cache
        return paginator, page, list(page.object_list), page.has_other_pages()


def cards(queryset):
    """What an article card shows: the live version's title and summary, topic, series."""
    return queryset.select_related("live_version", "topic", "series").defer(
        "live_version__body", "live_version__body_html", "live_version__search_text"
    )


def listed_cards():
    """Cards of every listed article (unordered)."""
    return cards(Article.objects.listed())


def latest_articles(limit: int = HOME_LIST_LENGTH) -> list[Article]:
    lists(LISTINGS)
    return list(listed_cards().order_by("-first_published_at", "slug")[:limit])


def most_reviewed_articles(limit: int = HOME_LIST_LENGTH) -> list[Article]:
    lists(LISTINGS)
    return list(listed_cards().order_by("-sign_offs", "-last_reviewed_at", "slug")[:limit])  # counted at sign-off


def topics_with_listed_counts() -> list[Topic]:
    """Topics that file at least one listed article, each with `n`, how many."""
    lists(LISTINGS)
    return list(
        Topic.objects.public()
        .filter(articles__in=Article.objects.listed())
        .annotate(n=Count("articles", distinct=True))
        .order_by("name")
    )


def topics_with_listed_articles() -> list[Topic]:
    lists(LISTINGS)
    return list(Topic.objects.public().filter(articles__in=Article.objects.listed()).distinct())


def a_to_z(letter: str | None = None):
    """Listed articles by live title (the A to Z): all, or those under one letter of
    A_TO_Z_LETTERS, or A_TO_Z_OTHER. Paged by the view: a page reads its rows only."""
    lists(LISTINGS)
    articles = listed_cards().order_by("live_version__title", "slug")
    if letter in A_TO_Z_LETTERS:
        return articles.filter(live_version__title__istartswith=letter)
    if letter == A_TO_Z_OTHER:
        return articles.exclude(live_version__title__iregex=r"^[a-z]")
    return articles


def article_page():
    """Live articles with what their page's per-request shell shows, in one query: the live
    version without its long text, topic, series, reviewer and vote counts. The rest is read by
    reader.fragments, only when its cache misses."""
    long_text = ("body", "body_html", "toc", "citation_backlinks", "search_causes", "search_text")
    return with_helpful_counts(
        Article.objects.live()
        .select_related("live_version", "topic", "series", "last_reviewed_by")
        .defer(*(f"live_version__{name}" for name in long_text))
    )


def is_taken_down(slug: str) -> bool:
    """Whether the article at ``slug`` (or at an earlier address of it) was withdrawn for medical review."""
    gone = Article.objects.taken_down()
    return gone.filter(Q(slug=slug) | Q(redirects__old_slug=slug)).exists()


def redirect_target(old_slug: str) -> str | None:
    """The current slug of the live article that used to answer at ``old_slug``, or None."""
    moved = ArticleRedirect.objects.filter(old_slug=old_slug, article__in=Article.objects.live())
    return moved.values_list("article__slug", flat=True).first()


def series_parts(article: Article) -> list[Article]:
    """The listed parts of the article's series, in order, each annotated with `series_size`:
    how many articles the series has in any state (same query), so a page can tell whether
    readers see every part."""
    lists(series_key(article.series_id))
    size = (
        Article.objects.filter(series_id=OuterRef("series_id"))
        .order_by()
        .values("series_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        listed_cards()
        .filter(series_id=article.series_id)
        .annotate(series_size=Subquery(size))
        .order_by("part_number")
        .defer("live_version__summary")
    )


def related_articles(article: Article, cause_ids: list[int]) -> list[Article]:
    """Up to RELATED_LENGTH listed articles sharing the most causes (then the topic).

    Candidates are the articles most recently tagged with each of (up to RELATED_CAUSES
    of) the causes, and the latest of the topic, each an index range of at most
    RELATED_CANDIDATES rows; candidates are then ordered by how many of all its causes they
    share (an index lookup per candidate). On PostgreSQL the candidates are one array of at
    most a few hundred ids that drives the query (`IN` subqueries joined by OR made it test
    every listed article against each: linear in the size of the site), so the query costs
    the same at a thousand articles or a hundred thousand.
    """
    lists(topic_key(article.topic_id), *(cause_key(pk) for pk in cause_ids))
    candidates = Article.objects.filter(topic_id=article.topic_id).order_by("-pk").values("pk")[:RELATED_CANDIDATES]
    tagged = [
        VersionCause.objects.filter(tag_id=cause_id)
        .order_by("-pk")
        .values("content_object__article_id")[:RELATED_CANDIDATES]
        for cause_id in cause_ids[:RELATED_CAUSES]
    ]
    # `id = ANY(ARRAY(... UNION ALL ...))`: the ids are computed first (an InitPlan), then
    # fetched by primary key, whatever the planner thinks of the table's size.
    candidates = EqualsAny(F("pk"), ArraySubquery(candidates.union(*tagged, all=True)))
    # Per candidate, an index lookup of its live version's links (no GROUP BY over card rows).
    shared = (
        VersionCause.objects.filter(content_object_id=OuterRef("live_version_id"), tag_id__in=cause_ids)
        .order_by()
        .values("content_object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        listed_cards()
        .filter(candidates)
        .exclude(pk=article.pk)
        .annotate(shared=Coalesce(Subquery(shared), 0))
        .order_by("-shared", "live_version__title")[:RELATED_LENGTH]
    )


def written_by(person):
    """Listed articles whose live version names the person as an author, most recently credited
    first (paged by the view): read newest first from the (person, -id) index of author links,
    so a page costs the same however many articles the person wrote."""
    lists(person_key(person.pk))
    return listed_cards().filter(live_version__author_links__person=person).order_by("-live_version__author_links__id")


def reviewed_by(person):
    """Listed articles the person last signed off, most recently reviewed first (paged by the
    view), from the (last_reviewed_by, -last_reviewed_at) index."""
    lists(person_key(person.pk))
    return listed_cards().filter(last_reviewed_by=person).order_by("-last_reviewed_at", "-pk")


def first_of(queryset, count: int = LIST_PAGE_LENGTH) -> tuple[list, bool]:
    """The first `count` items, and whether more follow (one row more is read, nothing counted)."""
    rows = list(queryset[: count + 1])
    return rows[:count], len(rows) > count


def discussing(cause: Cause):
    """Listed articles whose live version discusses the cause, most recently tagged first (paged
    by the view): read newest first from the (cause, -id) index of cause links, so a page costs
    the same however many articles discuss the cause."""
    lists(cause_key(cause.pk))
    return listed_cards().filter(live_version__cause_links__tag=cause).order_by("-live_version__cause_links__id")


def filed_under(topic: Topic):
    """Listed articles filed under the topic, newest first (paged by the view), from the
    (topic, -id) index."""
    lists(topic_key(topic.pk))
    return listed_cards().filter(topic=topic).order_by("-pk")


def causes_matching(terms: list[str], limit: int = 8) -> list[Cause]:
    """Causes whose names contain any of the words (suggestions when a search finds nothing)."""
    lists(LISTINGS)
    if not terms:
        return []
    names = Q()
    for term in terms:
        names |= Q(name__icontains=term)
    return list(Cause.objects.public().filter(names)[:limit])


def public_cause_groups():
    """Cause groups with their causes, only those a live article discusses (`.public()`)."""
    lists(LISTINGS)
    causes = Cause.objects.public().order_by(Lower("name"))
    return CauseGroup.objects.public().prefetch_related(Prefetch("causes", queryset=causes))
