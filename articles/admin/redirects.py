from django.contrib import admin

from articles.models import ArticleRedirect


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    """Earlier addresses of articles. Renaming a published article's slug adds one here by
    itself; editors add others (an old URL worth keeping) and remove ones no longer wanted.
    A redirect from an address that is an article's own is refused (loop or hidden page)."""

    list_display = ["old_address", "article", "created_at", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["old_slug", "article__slug"]
    autocomplete_fields = ["article"]
    fields = ["old_slug", "article"]

    @admin.display(description="old address", ordering="old_slug")
    def old_address(self, obj):
        return f"/articles/{obj.old_slug}/"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
