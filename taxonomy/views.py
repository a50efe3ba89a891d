"""Cause and topic pages; the articles they list come from Article.objects.listed()."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from articles.models import Article
from taxonomy.models import Cause, CauseGroup, Topic


class CauseIndexView(ListView):
    template_name = "taxonomy/cause_index.html"
    context_object_name = "groups"

    def get_queryset(self):
        return CauseGroup.objects.prefetch_related(Prefetch("causes", queryset=Cause.objects.order_by("name")))


class CauseDetailView(DetailView):
    template_name = "taxonomy/cause_detail.html"
    context_object_name = "cause"
    queryset = Cause.objects.select_related("group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = (
            Article.objects.listed()
            .filter(live_version__cause_links__tag=self.object)
            .select_related("live_version", "topic")
            .order_by("live_version__title")
        )
        return context


class TopicDetailView(DetailView):
    template_name = "taxonomy/topic_detail.html"
    context_object_name = "topic"
    queryset = Topic.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = (
            Article.objects.listed()
            .filter(topic=self.object)
            .select_related("live_version")
            .order_by("live_version__title")
        )
        return context
