"""Preview links in the admin: an editor makes one for a version, sends the address, reads the comments, revokes it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html

from articles.admin.people import ReadOnlyAdmin
from articles.models import ArticleVersion
from articles.workflow import WorkflowError
from operations.secrets import show_once
from previews import services
from previews.models import MAX_DAYS, ExpertComment, PreviewLink


class PreviewLinkForm(forms.ModelForm):
    follows_draft = forms.TypedChoiceField(
        label="What the link shows",
        choices=[
            ("True", "Follow the draft: the expert sees each saved change (the link survives edits)"),
            ("False", "Pin this text: the link stops working at the next save"),
        ],
        coerce=lambda value: value == "True",
        empty_value=True,
        required=False,
        initial="True",
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        min_value=1, max_value=MAX_DAYS, initial=services.DEFAULT_DAYS, help_text="How long the link works."
    )

    class Meta:
        model = PreviewLink
        fields = ["version", "recipient", "follows_draft"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].queryset = ArticleVersion.objects.filter(
                status__in=ArticleVersion.OPEN_STATUSES
            ).select_related("article")
            self.fields["version"].help_text = "A draft or a version awaiting review."


class CommentInline(admin.TabularInline):
    model = ExpertComment
    fields = ("created_at", "given_name", "text")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    form = PreviewLinkForm
    list_display = ("__str__", "version", "created_at", "expires_at", "state", "view_count", "comment_count")
    list_select_related = ("version__article",)
    inlines = [CommentInline]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["version", "recipient", "follows_draft", "days"]
        return [
            "version",
            "recipient",
            "follows_draft",
            "address",
            "state",
            "created_at",
            "created_by",
            "expires_at",
            "revoked_at",
            "view_count",
            "last_viewed_on",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description="address to send")
    def address(self, link):
        if link.dead_reason():
            return "—"
        url = self._request.build_absolute_uri(link.get_absolute_url())
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)

    @admin.display(description="state")
    def state(self, link):
        return f"no longer works: {link.dead_reason()}" if link.dead_reason() else "works"

    @admin.display(description="comments")
    def comment_count(self, link):
        return link.comments.count()

    def changeform_view(self, request, *args, **kwargs):
        self._request = request
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            link = services.create_preview_link(
                version=obj.version,
                recipient=obj.recipient,
                user=request.user,
                days=form.cleaned_data["days"],
                follows_draft=obj.follows_draft,
            )
        except WorkflowError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk = link.pk
        obj.refresh_from_db()

    def response_add(self, request, obj, post_url_continue=None):
        address = request.build_absolute_uri(obj.get_absolute_url())
        show_once(request, f"Send this address to {obj.recipient}: {address}")
        return super().response_add(request, obj, post_url_continue)

    def has_change_permission(self, request, obj=None):
        return False  # made once, then only revoked (the action)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected links (they stop working at once)", permissions=["add"])
    def revoke(self, request, queryset):
        revoked = 0
        for link in queryset.filter(revoked_at__isnull=True):
            services.revoke_preview_link(link=link, user=request.user)
            revoked += 1
        self.message_user(request, f"{revoked} link(s) revoked.")


@admin.register(ExpertComment)
class ExpertCommentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "given_name", "article", "version_number", "text")
    list_select_related = ("version__article", "link")
    search_fields = ("given_name", "text", "version__article__slug")
    readonly_fields = ("link", "version", "given_name", "text", "created_at")

    @admin.display(description="article", ordering="version__article__slug")
    def article(self, comment):
        return comment.version.article

    @admin.display(description="version")
    def version_number(self, comment):
        return f"v{comment.version.number}"
