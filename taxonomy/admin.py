from django.contrib import admin

from taxonomy.models import Cause, CauseGroup, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "review_interval_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
