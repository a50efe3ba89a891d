"""Public pages, kept thin: what they list comes from reader.selectors (live() or listed())."""

from functools import lru_cache
from itertools import groupby

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from articles.models import Article, Person
from operations.ratelimits import limit_per_address
from pagecache.middleware import canonical_parameter, serve_uncached
from reader import helpful, selectors
from reader.page import live_page_context
from search.query import search_articles
from search.suggestions import suggest
from search.terms import MAX_QUERY_LENGTH


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = selectors.latest_articles()
        context["most_reviewed"] = selectors.most_reviewed_articles()
        context["topics"] = selectors.topics_with_listed_counts()
        context["cause_groups"] = selectors.public_cause_groups()
        return context


@canonical_parameter("letter")
def a_to_z_letter(value: str) -> str | None:
    """One letter of the A to Z (or "0", every other title); anything else is the whole list."""
    value = value.strip().upper()
    return value if value in (*selectors.A_TO_Z_LETTERS, selectors.A_TO_Z_OTHER) else None


class ArticleIndexView(selectors.NearestPageMixin, ListView):
    """A to Z of listed articles, by letter (``?letter=B``), then page: a page of it costs the
    same at any size."""

    template_name = "articles/article_index.html"
    context_object_name = "articles"
    paginate_by = selectors.A_TO_Z_PAGE_LENGTH

    def letter(self) -> str | None:
        return a_to_z_letter(self.request.GET.get("letter", ""))  # canonical already when cached

    def get_queryset(self):
        return selectors.a_to_z(self.letter())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = self.letter()
        context["letter"] = letter
        context["letter_nav"] = [*selectors.A_TO_Z_LETTERS, selectors.A_TO_Z_OTHER]
        context["pager_query"] = f"letter={letter}&" if letter else ""

        def initial(article):
            first = article.live_version.title[:1].upper()
            return first if first.isalpha() else "#"

        context["letters"] = [(key, list(group)) for key, group in groupby(context["articles"], key=initial)]
        return context


def staff_edit_url(request, article) -> str:
    """Where "Edit this page" goes for signed-in staff who may see `article` (its open draft, or the offer
    to start one: `admin:articles_article_edit`), else "".

    Only a request that carries a session cookie is looked at: an anonymous reader's
    request never touches the session, so their page stays the same for everyone and
    cacheable (signed-in requests bypass the page cache, pagecache)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("articles.view_article")):
        return ""
    return reverse("admin:articles_article_edit", args=[article.pk])  # the open draft, or the offer of one


class ArticleDetailView(TemplateView):
    """A live article's page; an old address redirects, a taken-down article answers 410."""

    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            context = self.get_context_data(**kwargs)
        except Http404:
            target = selectors.redirect_target(kwargs["slug"])
            if target is None and selectors.is_taken_down(kwargs["slug"]):
                # Withdrawn for medical review: say so, and nothing of the old text (never cached: not a 200).
                return TemplateResponse(request, "articles/article_withdrawn.html", status=410)
            if target is None:
                raise
            query = request.META.get("QUERY_STRING", "")
            url = reverse("articles:article_detail", kwargs={"slug": target})
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(live_page_context(kwargs["slug"], self.request))
        article = context["article"]
        context["vote"] = helpful.existing_vote(self.request, article)
        context["vote_recorded"] = self.request.GET.get("voted") == "1"
        context["edit_url"] = staff_edit_url(self.request, article)
        return context


@require_GET
@never_cache
def csrf_token(request):
    """A CSRF token for a public form, fetched by static/js/csrf.js when the reader starts to
    use it: public pages are the same bytes for everyone, so they cannot carry one."""
    return JsonResponse({"token": get_token(request)})


@limit_per_address(group="helpful-vote", rate_setting="SPASMINFO_VOTE_RATE")
@require_POST
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
    """A writer's or reviewer's page: who they are, and the newest of the articles they reviewed
    and wrote (all of them, page by page, on `PersonArticlesView`)."""

    template_name = "articles/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["written"], context["more_written"] = selectors.first_of(selectors.written_by(self.object))
        context["reviewed"], context["more_reviewed"] = selectors.first_of(selectors.reviewed_by(self.object))
        return context


class PersonArticlesView(selectors.NearestPageMixin, ListView):
    """Every listed article a person wrote (`role="written"`) or last reviewed, newest first, in pages."""

    template_name = "articles/person_articles.html"
    context_object_name = "articles"
    paginate_by = selectors.LIST_PAGE_LENGTH
    role = "written"
    selectors_by_role = {"written": selectors.written_by, "reviewed": selectors.reviewed_by}

    def get(self, request, *args, **kwargs):
        self.person = get_object_or_404(Person.objects.public(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.selectors_by_role[self.role](self.person)

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, role=self.role, **kwargs)


@canonical_parameter("q")
def search_query(value: str) -> str | None:
    """A search as the search reads it: spaces collapsed, cut to MAX_QUERY_LENGTH (the page cache's key)."""
    return " ".join(value.split())[:MAX_QUERY_LENGTH] or None


@limit_per_address(group="search", rate_setting="SPASMINFO_SEARCH_RATE")
class SearchView(TemplateView):
    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        requested = self.request.GET.get("page")
        results = search_articles(query, requested or 1)
        if requested is not None and results.page is not None and requested != str(results.page.number):
            serve_uncached(self.request)
        context["results"] = results
        context["query"] = results.query
        if results.query and not results.hits:
            # Help the reader on: causes whose names share a word with the query, and the topics.
            context["suggested_causes"] = selectors.causes_matching(results.terms)
            context["topics"] = selectors.topics_with_listed_articles()
        return context


@require_GET
def search_suggestions(request):
    """Up to 8 titles and causes for the search box as the reader types (static/js/suggest.js)."""
    found = suggest(request.GET.get("q", ""))
    return JsonResponse({"suggestions": [item.as_dict() for item in found]})


FAVICON = settings.BASE_DIR / "static" / "img" / "favicon.ico"


@require_safe
@cache_control(max_age=2_592_000, public=True)  # 30 days
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page links (2.8 KB, read once)."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
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


def rate_limited(request, exception):
    """What a reader who sent too many votes or searches gets (RATELIMIT_VIEW)."""
    template = loader.get_template("429.html")
    response = HttpResponse(template.render({"site_name": settings.SPASMINFO_SITE_NAME}, request), status=429)
    response["Retry-After"] = "60"
    return response
