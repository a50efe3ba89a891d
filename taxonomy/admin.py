from django.contrib import admin

from articles.admin.review_interval import ReviewIntervalAdmin
from articles.admin.reviewed_text import ReviewedTextAdmin
from taxonomy.models import Cause, CauseGroup, Topic


@admin.register(Topic)
class TopicAdmin(ReviewIntervalAdmin, ReviewedTextAdmin):
    list_display = ["name", "slug", "review_interval_months"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["review_interval_months"]  # a medical reviewer changes it: "Change review interval"


@admin.register(CauseGroup)
class CauseGroupAdmin(ReviewedTextAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Cause)
class CauseAdmin(ReviewedTextAdmin):
    list_display = ["name", "group", "slug"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
