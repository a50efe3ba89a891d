"""The moderators' admin: the queue of stories awaiting moderation (oldest first), approve and
reject (with a reason) one by one or in bulk, edits of approved stories only with a reason;
prompts and the blocked-words list for editors. Every decision goes through
participation.moderation, which checks the permission and refreshes the pages concerned."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from articles.services import NotAllowed
from participation import moderation, reports
from participation.models import ArticlePrompt, BlockedWord, Prompt, Report, Story, StoryEdit


class ArticlePromptInline(admin.TabularInline):
    model = ArticlePrompt
    extra = 0
    autocomplete_fields = ["article"]
    verbose_name = "article that asks this (instead of its topic's defaults)"
    verbose_name_plural = "articles that ask this (instead of their topic's defaults)"


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["text", "slug"]
    search_fields = ["text"]
    prepopulated_fields = {"slug": ["text"]}
    filter_horizontal = ["topics"]
    inlines = [ArticlePromptInline]


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "added_at"]
    search_fields = ["word"]


class StoryActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason (required to reject)", max_length=300)


class StoryEditInline(admin.TabularInline):
    model = StoryEdit
    extra = 0
    can_delete = False
    fields = ["at", "user", "reason", "before", "after"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StoryForm(forms.ModelForm):
    edit_reason = forms.CharField(
        required=False, max_length=300, help_text="Required to change the words of an approved story; recorded."
    )

    class Meta:
        model = Story
        fields = ["display_name", "text"]

    def clean(self):
        cleaned = super().clean()
        changed = {"display_name", "text"} & set(self.changed_data)
        if changed and self.instance.status == Story.Status.APPROVED and not cleaned.get("edit_reason", "").strip():
            self.add_error("edit_reason", "An approved story is changed only with a reason.")
        return cleaned


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryForm
    action_form = StoryActionForm
    actions = ["approve", "reject"]
    list_display = ["created_at", "status", "display_name", "excerpt", "prompt", "article", "open_reports"]
    list_filter = ["status", "prompt"]
    list_select_related = ["article", "prompt"]
    search_fields = ["display_name", "text", "article__slug"]
    ordering = ["created_at", "pk"]  # the queue: oldest first
    readonly_fields = [
        "article",
        "prompt",
        "status",
        "email",
        "created_at",
        "moderated_at",
        "moderated_by",
        "rejection_reason",
    ]
    fieldsets = [
        (None, {"fields": ["article", "prompt", "status", "created_at", "email"]}),
        ("Words", {"fields": ["display_name", "text", "edit_reason"]}),
        ("Moderation", {"fields": ["moderated_at", "moderated_by", "rejection_reason"]}),
    ]
    inlines = [StoryEditInline]

    @admin.display(description="story")
    def excerpt(self, obj):
        return obj.text[:80] + ("…" if len(obj.text) > 80 else "")

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return super().get_queryset(request).annotate(n_reports=Count("reports", filter=Q(reports__status="open")))

    @admin.display(description="open reports", ordering="n_reports")
    def open_reports(self, obj):
        return obj.n_reports

    def has_add_permission(self, request):
        return False  # stories come from readers

    def changelist_view(self, request, extra_context=None):
        # The queue by default: awaiting moderation (new, and hidden by reports).
        if not request.GET and request.method == "GET":
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(f"{request.path}?status__in=pending,hidden")
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        original = Story.objects.get(pk=obj.pk)
        try:
            moderation.edit_story(
                story=original,
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                text=form.cleaned_data["text"],
                reason=form.cleaned_data.get("edit_reason", ""),
            )
        except NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)

    @admin.action(description="Approve selected stories (publish them)", permissions=["moderate"])
    def approve(self, request, queryset):
        count = moderation.approve_stories(stories=queryset, user=request.user)
        self.message_user(request, f"{count} {'story' if count == 1 else 'stories'} approved.", messages.SUCCESS)

    @admin.action(description="Reject selected stories (give a reason)", permissions=["moderate"])
    def reject(self, request, queryset):
        try:
            count = moderation.reject_stories(
                stories=queryset, user=request.user, reason=request.POST.get("reason", "")
            )
        except NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"{count} {'story' if count == 1 else 'stories'} rejected.", messages.SUCCESS)

    def has_moderate_permission(self, request):
        return request.user.has_perm(moderation.PERMISSION)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Readers' reports, open ones first, oldest first. Story reports are the moderators';
    article reports the reviewers' (their dashboard lists articles "reported by readers")."""

    list_display = ["created_at", "status", "reason", "target", "text"]
    list_filter = ["status", "reason", ("story", admin.EmptyFieldListFilter), ("article", admin.EmptyFieldListFilter)]
    list_select_related = ["story", "article"]
    ordering = ["-status", "created_at", "pk"]  # "open" sorts after "done": open first
    readonly_fields = ["story", "article", "reason", "text", "created_at", "status", "handled_by"]
    fields = readonly_fields
    actions = ["close"]

    @admin.display(description="about")
    def target(self, obj):
        return f"story by {obj.story.display_name}" if obj.story_id else f"article {obj.article.slug}"

    def has_add_permission(self, request):
        return False  # reports come from readers

    @admin.action(description="Mark selected reports as dealt with", permissions=["change"])
    def close(self, request, queryset):
        try:
            count = reports.close_reports(reports=queryset, user=request.user)
        except NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"{count} report(s) marked as dealt with.", messages.SUCCESS)
