"""Review comments in the admin: read on each version's page (templates/comments/panel.html); listed here."""

from django.contrib import admin
from django.urls import path

from comments import views
from comments.models import CommentReply, ReviewComment


class ReplyInline(admin.TabularInline):
    model = CommentReply
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    """The record: every comment on every version, kept after sign-off; written only through the version's page."""

    list_display = ["__str__", "version", "clinical", "created_at", "resolved_at"]
    list_filter = ["clinical", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["version__article", "author"]
    search_fields = ["quote", "text", "version__title"]
    inlines = [ReplyInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("on-version/<int:pk>/", view(views.add), name="comments_reviewcomment_add_to"),
            path("<int:pk>/reply/", view(views.reply), name="comments_reviewcomment_reply"),
            path("<int:pk>/resolve/", view(views.resolve), name="comments_reviewcomment_resolve"),
            *super().get_urls(),
        ]
