"""The shared source library: each work entered once, cited by key in any article."""

from django.contrib import admin
from django.db import models

from articles.models import Source


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

    def has_delete_permission(self, request, obj=None):
        # Versions keep their own snapshot, but a draft citing the key would lose it: only superusers delete.
        return request.user.is_superuser and super().has_delete_permission(request, obj)
