from django.contrib import admin

from search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Readers' words for what the articles say: "charley horse" = "muscle cramp" (search/query.py)."""

    list_display = ["words", "same_as", "kind"]
    list_filter = ["kind"]
    search_fields = ["words", "same_as"]
