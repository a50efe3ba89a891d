"""Cause and topic pages: only causes and topics a live article names (`.public()`); the
articles they list come from reader.selectors (listed())."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from reader import selectors
from taxonomy.models import Cause, Topic


class CauseIndexView(ListView):
    """Every cause, grouped by cause group, A to Z within each group."""

    template_name = "taxonomy/cause_index.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.public_cause_groups()


class TopicIndexView(ListView):
    """Every topic with listed articles, A to Z, with how many."""

    template_name = "taxonomy/topic_index.html"
    context_object_name = "topics"

    def get_queryset(self):
        return selectors.topics_with_listed_counts()


class ArticlesOfView(selectors.NearestPageMixin, ListView):
    """A page of the listed articles of one cause or topic (`paginate_by` of them)."""

    context_object_name = "articles"
    paginate_by = selectors.LIST_PAGE_LENGTH

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.object_name: self.object, **kwargs})


class CauseDetailView(ArticlesOfView):
    template_name = "taxonomy/cause_detail.html"
    object_name = "cause"

    def get_object(self):
        return get_object_or_404(Cause.objects.public().select_related("group"), slug=self.kwargs["slug"])

    def get_queryset(self):
        return selectors.discussing(self.object)


class TopicDetailView(ArticlesOfView):
    template_name = "taxonomy/topic_detail.html"
    object_name = "topic"

    def get_object(self):
        return get_object_or_404(Topic.objects.public(), slug=self.kwargs["slug"])

    def get_queryset(self):
        return selectors.filed_under(self.object)
