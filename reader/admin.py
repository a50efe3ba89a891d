"""Helpful-vote counts per article, read-only, for editors and medical reviewers."""

from django.contrib import admin
from django.db.models import Count, Q

from articles.admin.people import ReadOnlyAdmin
from reader.models import ArticleFeedback


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title_shown", "helpful_count", "not_helpful_count", "total_count", "share"]
    search_fields = ["slug", "live_version__title"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("live_version")
            .annotate(
                yes=Count("helpful_votes", filter=Q(helpful_votes__helpful=True)),
                no=Count("helpful_votes", filter=Q(helpful_votes__helpful=False)),
                total=Count("helpful_votes"),
            )
            .order_by("-total", "slug")
        )

    @admin.display(description="title")
    def title_shown(self, obj):
        return obj.live_version.title if obj.live_version_id else "(not live)"

    @admin.display(description="helpful", ordering="yes")
    def helpful_count(self, obj):
        return obj.yes

    @admin.display(description="not helpful", ordering="no")
    def not_helpful_count(self, obj):
        return obj.no

    @admin.display(description="votes", ordering="total")
    def total_count(self, obj):
        return obj.total

    @admin.display(description="found it helpful")
    def share(self, obj):
        return f"{obj.yes} of {obj.total}" if obj.total else "no votes yet"
