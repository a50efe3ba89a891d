from django.contrib import admin

from articles.admin.people import ReadOnlyAdmin
from articles.models import LinkCheck


class ProblemFilter(admin.SimpleListFilter):
    title = "result"
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [("dead", "Dead"), ("redirected", "Redirected")]

    def queryset(self, request, queryset):
        if self.value() == "dead":
            return queryset.dead()
        if self.value() == "redirected":
            return queryset.redirected()
        return queryset


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    """Results of `manage.py check_references`: read-only, written by the command alone."""

    list_display = ["url", "status", "final_url", "error", "checked_at"]
    list_filter = [ProblemFilter]
    search_fields = ["url", "final_url"]
