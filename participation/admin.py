"""The moderators' admin: the queue of stories awaiting moderation (oldest first), approve and
reject (with a reason) one by one or in bulk, edits of approved stories only with a reason;
prompts and the blocked-words list for editors. Every decision goes through
participation.moderation, which checks the permission and refreshes the pages concerned."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from articles.admin.people import ReadOnlyAdmin
from articles.workflow import NotAllowed
from participation import answers, moderation, reports
from participation.models import (
    AnswerReview,
    AnswerVersion,
    ArticlePrompt,
    BlockedWord,
    Prompt,
    Question,
    Report,
    Story,
    StoryEdit,
)


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
    list_select_related = ["story", "article", "question"]
    ordering = ["-status", "created_at", "pk"]  # "open" sorts after "done": open first
    readonly_fields = ["story", "article", "question", "reason", "text", "created_at", "status", "handled_by"]
    fields = readonly_fields
    actions = ["close"]

    @admin.display(description="about")
    def target(self, obj):
        if obj.story_id:
            return f"story by {obj.story.display_name}"
        if obj.question_id:
            return f"question “{obj.question.text}”"
        return f"article {obj.article.slug}"

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


# --- questions and answers ------------------------------------------------------------------------


class QuestionActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason (required to decline)", max_length=300)


class AnswerInline(admin.TabularInline):
    model = AnswerVersion
    extra = 0
    fields = ["number", "status", "answerer", "submitted_at", "approved_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Readers' questions: new ones oldest first; accept (makes a page once answered) or decline."""

    action_form = QuestionActionForm
    actions = ["accept", "decline"]
    list_display = ["created_at", "status", "text", "answered_at"]
    list_filter = ["status"]
    search_fields = ["text"]
    ordering = ["created_at", "pk"]
    fields = [
        "text",
        "status",
        "slug",
        "topic",
        "causes",
        "article",
        "email",
        "created_at",
        "answered_at",
        "live_answer",
    ]
    readonly_fields = ["text", "status", "slug", "email", "created_at", "answered_at", "live_answer"]
    autocomplete_fields = ["article", "causes"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False  # questions come from readers

    @admin.action(description="Accept selected questions (to be answered)", permissions=["change"])
    def accept(self, request, queryset):
        for question in queryset.filter(status=Question.Status.NEW):
            answers.accept_question(question=question, user=request.user)
        self.message_user(request, "Accepted.", messages.SUCCESS)

    @admin.action(description="Decline selected questions (give a reason)", permissions=["change"])
    def decline(self, request, queryset):
        try:
            for question in queryset:
                answers.decline_question(question=question, user=request.user, reason=request.POST.get("reason", ""))
        except NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, "Declined.", messages.SUCCESS)


class AnswerForm(forms.ModelForm):
    class Meta:
        model = AnswerVersion
        fields = ["question", "answerer", "body"]


@admin.register(AnswerVersion)
class AnswerVersionAdmin(admin.ModelAdmin):
    """Answers go through sign-off like an article: write (draft), *Submit for review*
    (fingerprinted, read-only), a medical reviewer's *Review* page signs off or sends back."""

    form = AnswerForm
    list_display = ["question", "number", "status", "answerer", "submitted_at", "approved_at"]
    list_filter = ["status"]
    list_select_related = ["question", "answerer"]
    change_form_template = "admin/participation/answerversion/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["status"]
        editable = obj.status in (AnswerVersion.Status.DRAFT, AnswerVersion.Status.SENT_BACK)
        return ["question", "status"] + ([] if editable else ["answerer", "body"])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question":
            kwargs["queryset"] = Question.objects.filter(status=Question.Status.ACCEPTED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status != AnswerVersion.Status.APPROVED

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            answers.worked_on(obj, request.user)  # an editor of the answer never signs it off
            return
        created = answers.start_answer(
            question=form.cleaned_data["question"],
            answerer=form.cleaned_data["answerer"],
            body=form.cleaned_data["body"],
            user=request.user,
        )
        obj.pk = created.pk

    def get_urls(self):
        from django.urls import path

        return [
            path("<int:pk>/submit/", self.admin_site.admin_view(self.submit_view), name="participation_answer_submit"),
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="participation_answer_review"),
            *super().get_urls(),
        ]

    def submit_view(self, request, pk):
        from django.http import HttpResponseNotAllowed, HttpResponseRedirect
        from django.urls import reverse

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = AnswerVersion.objects.get(pk=pk)
        try:
            answers.submit_answer(version=version, user=request.user)
            self.message_user(request, "Submitted for review.", messages.SUCCESS)
        except NotAllowed as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:participation_answerversion_change", args=[pk]))

    def review_view(self, request, pk):
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponseRedirect
        from django.shortcuts import render
        from django.urls import reverse

        from articles.workflow import StaleVersion

        version = AnswerVersion.objects.select_related("question", "answerer").get(pk=pk)
        reviewer = getattr(request.user, "person", None)
        refusal = answers.answer_sign_off_refusal(version, reviewer, request.user)
        if not request.user.has_perm("participation.view_answerversion"):
            raise PermissionDenied
        if request.method == "POST":
            try:
                if request.POST.get("decision") == "approve":
                    answers.approve_answer(
                        version=version,
                        reviewer=reviewer,
                        seen_fingerprint=request.POST.get("fingerprint", ""),
                        user=request.user,
                    )
                    self.message_user(request, "Signed off: the answer is public.", messages.SUCCESS)
                else:
                    answers.send_back_answer(
                        version=version, reviewer=reviewer, comment=request.POST.get("comment", ""), user=request.user
                    )
                    self.message_user(request, "Sent back.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:participation_answerversion_change", args=[pk]))
            except (NotAllowed, StaleVersion) as error:
                refusal = str(error)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review answer v{version.number}",
            "version": version,
            "fingerprint": version.compute_fingerprint(),
            "refusal": refusal,
            "opts": self.model._meta,
        }
        return render(
            request,
            "admin/participation/answerversion/review.html",
            context,
            status=400 if refusal and request.method == "POST" else 200,
        )


@admin.register(AnswerReview)
class AnswerReviewAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "version", "outcome", "reviewer", "user"]
    readonly_fields = ["version", "reviewer", "user", "outcome", "fingerprint", "comment", "created_at"]
