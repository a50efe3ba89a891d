"""The source library (each work entered once, cited by key in any article) and the link checks."""

from django.contrib import admin
from django.db import models

from references.models import LinkCheck, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "authors", "year", "kind"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "authors", "source", "doi", "pmid", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": [("key", "kind"), "authors", "title", "source", ("year", "volume", "issue", "pages")]}),
        ("Links", {"fields": [("doi", "pmid"), ("url", "accessed")]}),
    ]

    def save_model(self, request, obj, form, change):
        """Whoever saves an entry is one of its editors: a version citing it shows their text."""
        super().save_model(request, obj, form, change)
        obj.editors.add(request.user)

    def has_delete_permission(self, request, obj=None):
        # Versions keep their own snapshot, but a draft citing the key would lose it: only superusers delete.
        return request.user.is_superuser and super().has_delete_permission(request, obj)


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
class LinkCheckAdmin(admin.ModelAdmin):
    """Results of `manage.py check_references`: read-only, written by the command alone."""

    list_display = ["url", "status", "final_url", "error", "checked_at"]
    list_filter = [ProblemFilter]
    search_fields = ["url", "final_url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
