from django.contrib import admin

from taxonomy.models import Cause, CauseGroup, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_interval_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "review_interval_months" in form.changed_data:
            from articles.services import refresh_review_dates

            moved = refresh_review_dates(articles=obj.articles.all())
            self.message_user(request, f"Next review dates recalculated for {moved} article(s).")


@admin.register(CauseGroup)
class CauseGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "slug"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
