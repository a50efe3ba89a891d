"""Public pages. Every article queryset here starts from Article.objects.live() or .listed()."""

from itertools import groupby

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import loader
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django_ratelimit.decorators import ratelimit

from articles import helpful
from articles.caching import LISTING, TAXONOMY, depends_on
from articles.models import Article, Person, VersionCause, with_helpful_counts
from articles.search import search_articles
from articles.structured_data import article_structured_data, json_ld_script
from taxonomy.models import Cause, CauseGroup, Topic

HOME_LIST_LENGTH = 6
RELATED_LENGTH = 4


def cards(queryset):
    """What an article card shows: the live version's title and summary, topic, series."""
    return queryset.select_related("live_version", "topic", "series").defer(
        "live_version__body", "live_version__body_html", "live_version__search_text", "live_version__search_vector"
    )


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, LISTING, TAXONOMY)
        listed = Article.objects.listed()
        context["latest"] = list(cards(listed).order_by("-first_published_at", "slug")[:HOME_LIST_LENGTH])
        context["most_reviewed"] = list(
            cards(listed)
            .annotate(sign_offs=Count("versions__reviews", filter=Q(versions__reviews__outcome="approved")))
            .order_by("-sign_offs", "-last_reviewed_at", "slug")[:HOME_LIST_LENGTH]
        )
        context["topics"] = list(
            Topic.objects.filter(articles__in=listed).annotate(n=Count("articles", distinct=True)).order_by("name")
        )
        context["cause_groups"] = CauseGroup.objects.prefetch_related("causes")
        return context


class ArticleIndexView(ListView):
    """A to Z of listed articles."""

    template_name = "articles/article_index.html"
    context_object_name = "articles"

    def get_queryset(self):
        return cards(Article.objects.listed()).order_by("live_version__title", "slug")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, LISTING)

        def letter(article):
            initial = article.live_version.title[:1].upper()
            return initial if initial.isalpha() else "#"

        context["letters"] = [(key, list(group)) for key, group in groupby(context["articles"], key=letter)]
        return context


LIST_PAGE_LENGTH = 30


def paginated(request, queryset) -> dict:
    """One page of a long list ("articles", "page_obj"); a bad page number gives the nearest page."""
    page = Paginator(queryset, LIST_PAGE_LENGTH).get_page(request.GET.get("page"))
    return {"articles": list(page.object_list), "page_obj": page}


RELATED_CANDIDATES = 50  # per cause and for the topic: bounds the work whatever the number of articles
RELATED_CAUSES = 8  # causes that bring candidates (an overview article can discuss dozens)


def related_articles(article, cause_ids: list[int]) -> list:
    """Up to RELATED_LENGTH listed articles sharing the most causes (then the topic).

    Candidates are the articles most recently tagged with each of (up to RELATED_CAUSES
    of) the causes, and the latest of the topic, each an index range of at most
    RELATED_CANDIDATES rows, so the query costs the same at a thousand articles or a
    hundred thousand; candidates are then ordered by how many of all its causes they share.
    """
    candidates = Q(
        pk__in=Article.objects.filter(topic_id=article.topic_id).order_by("-pk").values("pk")[:RELATED_CANDIDATES]
    )
    for cause_id in cause_ids[:RELATED_CAUSES]:
        tagged = VersionCause.objects.filter(tag_id=cause_id).order_by("-pk").values("content_object__article_id")
        candidates |= Q(pk__in=tagged[:RELATED_CANDIDATES])
    return list(
        cards(Article.objects.listed())
        .filter(candidates)
        .exclude(pk=article.pk)
        .annotate(
            shared=Count(
                "live_version__cause_links",
                filter=Q(live_version__cause_links__tag_id__in=cause_ids),
                distinct=True,
            )
        )
        .order_by("-shared", "live_version__title")[:RELATED_LENGTH]
    )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return with_helpful_counts(Article.objects.live().with_live_content())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        version = article.live_version
        context["version"] = version
        context["references"] = [
            (ref, version.citation_backlinks.get(str(ref.number), [])) for ref in version.references.all()
        ]
        context["structured_data"] = json_ld_script(article_structured_data(article, self.request))
        context["vote"] = helpful.existing_vote(self.request, article)
        context["vote_recorded"] = self.request.GET.get("voted") == "1"

        if article.series_id:
            parts = list(
                cards(Article.objects.listed())
                .filter(series_id=article.series_id)
                .order_by("part_number")
                .defer("live_version__summary")
            )
            context["series_parts"] = parts
            context["series_total"] = max([len(parts), article.part_number or 0])
            context["previous_part"] = next((p for p in reversed(parts) if p.part_number < article.part_number), None)
            context["next_part"] = next((p for p in parts if p.part_number > article.part_number), None)

        cause_ids = [link.tag_id for link in version.cause_links.all()]
        context["related"] = related_articles(article, cause_ids)
        shown = [*context["related"], *context.get("series_parts", [])]
        depends_on(
            self.request,
            f"article:{article.pk}",
            f"votes:{article.pk}",
            f"topic:{article.topic_id}",
            *([f"series:{article.series_id}"] if article.series_id else []),
            *(f"cause:{tag_id}" for tag_id in cause_ids),  # who else discusses them (related articles)
            *(f"person:{link.person_id}" for link in version.author_links.all()),
            f"person:{article.last_reviewed_by_id}",
            *(f"article:{other.pk}" for other in shown),
        )
        return context


@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.SPASMINFO_VOTE_RATE, method="POST", block=True)
def helpful_vote(request, slug):
    """Record "yes" or "no" for a live article, once per browser; back to the article."""
    article = get_object_or_404(Article.objects.live(), slug=slug)
    answer = request.POST.get("helpful")
    if answer not in {"yes", "no"}:
        return HttpResponse("Choose yes or no.", status=400, content_type="text/plain")
    response = HttpResponseRedirect(f"{article.get_absolute_url()}?voted=1#helpful", status=303)
    helpful.record_vote(request, response, article, helpful=answer == "yes")
    return response


class PersonDetailView(DetailView):
    template_name = "articles/person_detail.html"
    context_object_name = "person"
    queryset = Person.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, f"person:{self.object.pk}", f"person-articles:{self.object.pk}")
        listed = cards(Article.objects.listed()).order_by("live_version__title")
        context["written"] = list(listed.filter(live_version__author_links__person=self.object).distinct())
        context["reviewed"] = list(listed.filter(last_reviewed_by=self.object))
        return context


@method_decorator(
    ratelimit(key="ip", rate=lambda group, request: settings.SPASMINFO_SEARCH_RATE, method="GET", block=True),
    name="get",
)
class SearchView(TemplateView):
    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, LISTING, TAXONOMY)
        query = self.request.GET.get("q", "")
        results = search_articles(query, self.request.GET.get("page", 1))
        context["results"] = results
        context["query"] = results.query
        if results.query and not results.hits:
            # Help the reader on: causes whose names share a word with the query, and the topics.
            cause_filter = Q()
            for term in results.terms:
                cause_filter |= Q(name__icontains=term)
            context["suggested_causes"] = list(Cause.objects.filter(cause_filter)[:8]) if results.terms else []
            context["topics"] = list(Topic.objects.filter(articles__in=Article.objects.listed()).distinct())
        return context


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request):
    """500 rendered without context processors or the database, which may be what failed."""
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"site_name": settings.SPASMINFO_SITE_NAME}), status=500)


def rate_limited(request, exception):
    """What a reader who sent too many votes or searches gets (RATELIMIT_VIEW)."""
    template = loader.get_template("429.html")
    response = HttpResponse(template.render({"site_name": settings.SPASMINFO_SITE_NAME}, request), status=429)
    response["Retry-After"] = "60"
    return response
