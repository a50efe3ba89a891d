"""Cause and topic pages; the articles they list come from Article.objects.listed()."""

from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.views.generic import DetailView, ListView

from articles.caching import TAXONOMY, depends_on
from articles.models import Article
from articles.views import cards, paginated
from taxonomy.models import Cause, CauseGroup, Topic


class CauseIndexView(ListView):
    """Every cause, grouped by cause group, A to Z within each group."""

    template_name = "taxonomy/cause_index.html"
    context_object_name = "groups"

    def get_queryset(self):
        depends_on(self.request, TAXONOMY)
        return CauseGroup.objects.prefetch_related(Prefetch("causes", queryset=Cause.objects.order_by(Lower("name"))))


class CauseDetailView(DetailView):
    template_name = "taxonomy/cause_detail.html"
    context_object_name = "cause"
    queryset = Cause.objects.select_related("group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, f"cause:{self.object.pk}")
        articles = cards(Article.objects.listed()).filter(live_version__cause_links__tag=self.object)
        context.update(paginated(self.request, articles.order_by("live_version__title", "pk")))
        return context


class TopicDetailView(DetailView):
    template_name = "taxonomy/topic_detail.html"
    context_object_name = "topic"
    queryset = Topic.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(self.request, f"topic:{self.object.pk}")
        articles = cards(Article.objects.listed()).filter(topic=self.object)
        context.update(paginated(self.request, articles.order_by("live_version__title", "pk")))
        return context
