"""Public pages. Every queryset here starts from Article.objects.live() or .listed()."""

from django.views.generic import DetailView, ListView

from articles.models import Article, Person
from taxonomy.models import Topic


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.listed().with_live_content().order_by("-last_reviewed_at", "slug")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = Topic.objects.filter(articles__in=Article.objects.listed()).distinct()
        return context


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.live().with_live_content()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["version"] = article.live_version
        if article.series_id:
            context["series_parts"] = (
                Article.objects.listed()
                .filter(series_id=article.series_id)
                .select_related("live_version")
                .order_by("part_number")
            )
        return context


class PersonDetailView(DetailView):
    template_name = "articles/person_detail.html"
    context_object_name = "person"
    queryset = Person.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listed = Article.objects.listed().select_related("live_version").order_by("live_version__title")
        context["written"] = listed.filter(live_version__author_links__person=self.object).distinct()
        context["reviewed"] = listed.filter(last_reviewed_by=self.object)
        return context
