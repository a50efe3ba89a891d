from django.contrib import admin
from django.db import models

from articles.models import Person, Review, Series


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "is_medical_reviewer", "user"]
    list_filter = ["is_medical_reviewer"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits in the admin (history, counts): listed and viewed only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Review records are history: readable, never written here."""

    list_display = ["version", "outcome", "reviewer", "created_at"]
    list_filter = ["outcome", "reviewer"]
    list_select_related = ["version", "reviewer"]
    search_fields = ["version__title", "comment"]
    date_hierarchy = "created_at"
