"""Version admin: where editors write drafts and medical reviewers sign them off.

Editing is only possible while a version is a draft or sent back; a submitted or
signed-off version shows read-only. The workflow buttons post to small views
that call articles.services, which holds every rule.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.clickjacking import xframe_options_sameorigin

from articles import citing, services, signoff, version_page, workflow
from articles.admin.workflow import PostStepMixin, ReviewForm, forbidden
from articles.diffing import changes_between, comparable, version_changes
from articles.models import ArticleVersion, FaqEntry, Reference, Review, VersionAuthor, VersionCause
from articles.readability import assess_version
from comments.selectors import panel_context as comments_panel
from desk import copying
from desk import services as desk
from desk import views as desk_views
from images.usage import sync_images

Status = ArticleVersion.Status
PREVIEW_WIDTHS = (375, 1280)


def _preview_width(request) -> int:
    """The preview frame's width: ?width=375 (a phone) or 1280 (a desktop, the default)."""
    value = request.GET.get("width", "")
    return int(value) if value.isdigit() and int(value) in PREVIEW_WIDTHS else PREVIEW_WIDTHS[-1]


def _framed_by_admin(view):
    """The preview page may be framed by our own admin pages (and nothing else)."""
    return csp_replace({"frame-ancestors": [SELF]})(xframe_options_sameorigin(view))


class VersionForm(forms.ModelForm):
    """Carries the revision the editor started from; saving over a newer one is a conflict."""

    revision_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ArticleVersion
        fields = ["title", "summary", "body", "image_credits", "change_note", "search_description", "social_image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["revision_seen"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        current = ArticleVersion.objects.filter(pk=self.instance.pk).values("revision", "updated_at").first()
        if current and cleaned.get("revision_seen") != current["revision"]:
            # Let a deliberate second save go through: the form now carries the current revision.
            self.data = self.data.copy()
            self.data["revision_seen"] = current["revision"]
            saved_at = timezone.localtime(current["updated_at"]).strftime("%H:%M:%S")
            raise forms.ValidationError(
                "Someone else saved this version at %(saved_at)s, after you opened it. Nothing of yours was saved: "
                "your changes are still in the form below. Open the preview (in a new tab) to see what they saved; "
                "save again to replace their version with yours.",
                code="edit_conflict",
                params={"saved_at": saved_at},
            )
        return cleaned


class LabelledFormSet(forms.BaseInlineFormSet):
    """A table row's fields have no <label> of their own (the column header is theirs): each gets its
    column's name and row number as its accessible name."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f" (row {index + 1})" if index is not None else " (new row)"
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{(field.label or name).capitalize()}{row}")


class VersionPartInline:
    """Inline rows follow their version: editable only while the version is."""

    extra = 0
    formset = LabelledFormSet
    template = "admin/articles/articleversion/tabular.html"

    def _editable(self, request, obj) -> bool:
        return obj is None or (obj.is_editable and request.user.has_perm(workflow.EDIT_PERMISSION))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class AuthorInline(VersionPartInline, admin.TabularInline):
    model = VersionAuthor
    autocomplete_fields = ["person"]
    fields = ["person", "position"]


class CauseInline(VersionPartInline, admin.TabularInline):
    model = VersionCause
    autocomplete_fields = ["tag"]
    fields = ["tag"]
    verbose_name = "cause discussed"
    verbose_name_plural = "causes discussed"


class ReferenceInline(admin.TabularInline):
    """Numbered by the machine from the body's [@key] citations (articles/citing.py): shown, never typed."""

    model = Reference
    extra = 0
    template = "admin/articles/articleversion/tabular.html"
    fields = ["number", "key", "citation"]
    readonly_fields = ["number", "key", "citation"]
    verbose_name_plural = "references (numbered from the citations in the text; edit sources under Sources)"

    @admin.display(description="citation")
    def citation(self, obj):
        return obj.citation_html()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FaqInline(VersionPartInline, admin.StackedInline):
    model = FaqEntry
    fields = ["question", "answer", "position"]
    template = "admin/edit_inline/stacked.html"


@admin.register(ArticleVersion)
class ArticleVersionAdmin(PostStepMixin, admin.ModelAdmin):
    step_argument = "version"
    list_display = ["title", "article", "number", "status", "updated_at", "submitted_at", "review_link"]
    list_filter = ["status", "article__topic"]
    list_select_related = ["article"]
    search_fields = ["title", "article__slug"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article_link",
                    "state",
                    "title",
                    "summary",
                    "body",
                    "image_credits",
                    "change_note",
                ]
            },
        ),
        ("Sharing and search", {"fields": ["search_description", "social_image"], "classes": ["collapse"]}),
        ("Review history", {"fields": ["review_history"]}),
    ]
    readonly_fields = ["article_link", "state", "review_history"]
    form = VersionForm
    inlines = [AuthorInline, CauseInline, ReferenceInline, FaqInline]
    change_form_template = "admin/articles/articleversion/change_form.html"

    # --- permissions: content is editable only in an editable state ---------

    def has_add_permission(self, request):
        return False  # versions come from "Add article" and "Edit content"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Status.DRAFT)

    # --- display -----------------------------------------------------------

    @admin.display(description="article")
    def article_link(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a> (version {})', url, obj.article.slug, obj.number)

    @admin.display(description="status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.is_live:
            label += " — live on the public site"
        elif obj.is_signed_off:
            label += " — superseded by a later version"
        return label

    @admin.display(description="reviews")
    def review_history(self, obj):
        reviews = obj.reviews.select_related("reviewer", "user")
        if not reviews:
            return "No reviews yet."
        return format_html_join(
            "",
            "<p><strong>{}</strong> by {} (account: {}) on {}{}</p>",
            (
                (
                    r.get_outcome_display(),
                    r.reviewer,
                    r.user.get_username() if r.user_id else "none, imported history",
                    f"{r.created_at:%d %b %Y %H:%M}",
                    f": “{r.comment}”" if r.comment else "",
                )
                for r in reviews
            ),
        )

    @admin.display(description="review")
    def review_link(self, obj):
        if obj.status != Status.SUBMITTED:
            return ""
        return format_html('<a href="{}">Review</a>', reverse("admin:articles_articleversion_review", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        """Every save (of the version or only of its authors, causes, references or FAQ, which
        Django saves right after) makes the account one of the version's editors; the editor's
        autosave is spent."""
        super().save_model(request, obj, form, change)
        obj.editors.add(request.user)
        desk.discard_autosave(version=obj, user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A form opened over an autosave starts from the autosaved text, and from the revision the
        autosave was typed over: if someone saved since, saving it meets the conflict check."""
        form = super().get_form(request, obj, change, **kwargs)
        restored = getattr(request, "_desk_restored", None)
        if restored is None:
            return form

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(restored.fields(), revision_seen=restored.base_revision)

        return RestoredForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Saves queue up behind each other (row lock), so the revision check sees every earlier save."""
        with transaction.atomic():
            if request.method == "POST" and object_id:
                locked = ArticleVersion.objects.select_for_update().filter(pk=object_id).first()
                if locked is not None and not locked.is_editable and super().has_change_permission(request, locked):
                    return self._no_longer_editable(request, locked)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _no_longer_editable(self, request, version):
        """The version was submitted or signed off while the editor had it open: say so, keep their text."""
        self.message_user(
            request,
            f"Not saved: this version is now “{version.get_status_display().lower()}”, so it can no longer be edited. "
            "Your text is below so nothing is lost; start a new draft from the article to continue.",
            messages.ERROR,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": version,
            "version": version,
            "title": f"Not saved: {version.title}",
            "typed": [
                (label, request.POST.get(name, ""))
                for name, label in [
                    ("title", "Title"),
                    ("summary", "Summary"),
                    ("body", "Body"),
                    ("image_credits", "Image credits"),
                    ("change_note", "What changed"),
                ]
            ],
        }
        return TemplateResponse(request, "admin/articles/articleversion/not_saved.html", context, status=409)

    def save_related(self, request, form, formsets, change):
        """After the text and FAQ are saved, retake the reference list from the library and say
        what is wrong now (unknown keys, uncited sources), not only at submit."""
        super().save_related(request, form, formsets, change)
        version = form.instance
        if not version.is_editable:
            return
        report = citing.sync_references(version)
        problems = [f"Images: {problem}." for problem in sync_images(version)]
        problems += [f"Citations: {problem}." for problem in report.errors]
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)
        request._saved_with_problems = bool(problems)
        for problem in report.warnings:
            self.message_user(request, f"Citations: {problem}.", messages.WARNING)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """A save whose text has problems says "saved, but": never an error beside a green "changed successfully"."""
        if level == messages.SUCCESS and getattr(request, "_saved_with_problems", False):
            message = "Your changes were saved, but the problems above need fixing before review."
            level = messages.WARNING
        return super().message_user(request, message, level, *args, **kwargs)

    SUBMIT_FIELD = "_submit_for_review"

    def response_change(self, request, obj):
        """*Submit for review* is a button of the change form: the form is saved first (Django
        only gets here once it validated and saved), then submitted, so typed text is never lost.
        An invalid form never reaches this point: the admin shows it again with its errors."""
        if self.SUBMIT_FIELD not in request.POST:
            return super().response_change(request, obj)
        try:
            services.submit_version(version=obj, user=request.user)
        except workflow.WorkflowError as error:
            self.message_user(request, f"Your changes were saved, but not submitted: {error}", messages.ERROR)
        else:
            self.message_user(request, "Submitted for medical review.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if version is not None:
            user = request.user
            if request.method == "GET" and self.has_change_permission(request, version):
                request._desk_restored = desk.restorable(version=version, user=user)
                extra_context.update(restored=request._desk_restored, desk_enabled=True)
            extra_context.update(
                version=version,
                can_submit=version.is_editable and user.has_perm(workflow.EDIT_PERMISSION),
                can_withdraw=version.status == Status.SUBMITTED and user.has_perm(workflow.EDIT_PERMISSION),
                can_review=version.status == Status.SUBMITTED and user.has_perm(workflow.SIGN_OFF_PERMISSION),
                sign_off_refusal=services.sign_off_refusal(version, getattr(user, "person", None), user),
                open_concerns=signoff.blockers(version),
                **comments_panel(request, version),
                quality=assess_version(version),
                can_copy=user.has_perm("articles.add_article"),
                can_roll_back=version.is_signed_off
                and not version.is_live
                and user.has_perm(workflow.EDIT_PERMISSION)
                and version.article.open_version() is None,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- workflow views ----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/submit/", view(self.submit_view), name="articles_articleversion_submit"),
            path("<int:pk>/withdraw/", view(self.withdraw_view), name="articles_articleversion_withdraw"),
            path("<int:pk>/review/", view(self.review_view), name="articles_articleversion_review"),
            path("<int:pk>/roll-back/", view(self.roll_back_view), name="articles_articleversion_rollback"),
            path("<int:pk>/copy-article/", view(self.copy_article_view), name="articles_articleversion_copy"),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_articleversion_preview"),
            path(
                "<int:pk>/preview/page/",
                view(_framed_by_admin(self.preview_page_view)),
                name="articles_articleversion_preview_page",
            ),
            # The writing desk (desk/): autosave, presence, the preview beside the text, the choosers.
            path("<int:pk>/autosave/", view(desk_views.autosave), name="desk_autosave"),
            path("<int:pk>/autosave/discard/", view(desk_views.discard), name="desk_discard"),
            path("<int:pk>/presence/", view(desk_views.presence), name="desk_presence"),
            path("desk/preview/", view(desk_views.preview), name="desk_preview"),
            path("desk/choose/images/", view(desk_views.choose_images), name="desk_choose_images"),
            path("desk/choose/sources/", view(desk_views.choose_sources), name="desk_choose_sources"),
            *super().get_urls(),
        ]

    def submit_view(self, request, pk):
        return self._post_step(request, pk, services.submit_version, "Submitted for medical review.")

    def withdraw_view(self, request, pk):
        return self._post_step(
            request, pk, services.withdraw_version, "Withdrawn from review; the version is a draft again."
        )

    def roll_back_view(self, request, pk):
        """*Start a draft from this version*: a new draft copied from this earlier signed-off version."""
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(get_object_or_404(ArticleVersion, pk=pk)))
        version = get_object_or_404(ArticleVersion.objects.select_related("article"), pk=pk)
        try:
            draft = services.start_draft(article=version.article, user=request.user, from_version=version)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._change_url(version))
        self.message_user(
            request,
            f"Version {draft.number} started from version {version.number}. It goes through review like any draft; "
            "readers keep the live version until it is signed off.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(draft))

    def copy_article_view(self, request, pk):
        """*Copy article*: a new article whose first draft starts from this version (desk/copying.py)."""
        version = get_object_or_404(ArticleVersion.objects.select_related("article"), pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(version))
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        draft = copying.copy_article(version=version, user=request.user)
        self.message_user(
            request,
            f"New article “{draft.article.slug}” started from version {version.number} of “{version.article.slug}”. "
            "Give it its own title (and, on the article, its own slug) before submitting it for review.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(draft))

    def _admin_context(self, request, version, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": version,
            "version": version,
            "article": version.article,
            "live_version": version.article.live_version,
            "withdrawn_version": None if version.article.live_version_id else version.article.withdrawn_version(),
            "preview_widths": PREVIEW_WIDTHS,
            "preview_width": _preview_width(request),
            **extra,
        }

    def preview_view(self, request, pk):
        """The reader's page of this version in a frame, at a phone's or a desktop's width."""
        version = get_object_or_404(ArticleVersion.objects.select_related("article__live_version"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        context = self._admin_context(request, version, title=f"Preview: {version.title}")
        return TemplateResponse(request, "admin/articles/articleversion/preview.html", context)

    def preview_page_view(self, request, pk):
        """The version rendered by the reader's template (articles/article_detail.html) with the reader's
        derivation, computed in memory: what readers get if it is signed off now (the public site's page,
        through articles.version_page). Never indexed; framed only by the preview and review pages."""
        version = get_object_or_404(
            ArticleVersion.objects.select_related("article__live_version", "article__topic", "article__series"), pk=pk
        )
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        reviewer = getattr(request.user, "person", None)
        if reviewer is None or not reviewer.is_medical_reviewer:
            reviewer = version.article.assigned_reviewer
        response = version_page.render(request, version, reviewer=reviewer)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
        return response

    def review_view(self, request, pk):
        """Show the submitted version with its fingerprint; sign it off or send it back."""
        version = get_object_or_404(ArticleVersion.objects.select_related("article__live_version"), pk=pk)
        if not request.user.has_perm(workflow.SIGN_OFF_PERMISSION):
            return forbidden(
                self.admin_site,
                request,
                "Only medical reviewers can open the review page, where a version is signed off or sent back. "
                "You can follow this version on its own page: its status, the reviewer's comments and a preview.",
                next_url=self._change_url(version),
                next_label=f"Open version {version.number} of “{version.title}”",
            )
        reviewer = getattr(request.user, "person", None)
        form = ReviewForm(request.POST if request.method == "POST" else None)
        if not form.is_bound:
            return self._review_page(request, version, reviewer, form)
        if not form.is_valid():
            return self._review_page(request, version, reviewer, form, status=400)
        decision, comment, seen = (form.cleaned_data[name] for name in ("decision", "comment", "fingerprint"))
        try:
            if reviewer is None:
                raise workflow.NotAllowed("Your account is not linked to a person profile, so you cannot sign off.")
            if decision == ReviewForm.APPROVE:
                go_live_at = form.cleaned_data["go_live_at"]
                services.approve_version(
                    version=version,
                    reviewer=reviewer,
                    seen_fingerprint=seen,
                    user=request.user,
                    comment=comment,
                    go_live_at=go_live_at,
                )
                if go_live_at and go_live_at > timezone.now():
                    when = timezone.localtime(go_live_at).strftime("%d %b %Y %H:%M")
                    self.message_user(request, f"Signed off. “{version.title}” goes live at {when}.", messages.SUCCESS)
                else:
                    self.message_user(request, f"Signed off. “{version.title}” is now live.", messages.SUCCESS)
            else:
                services.send_back_version(
                    version=version, reviewer=reviewer, comment=comment, user=request.user, seen_fingerprint=seen
                )
                self.message_user(request, "Sent back to the editors with your comments.", messages.SUCCESS)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            status = 409 if isinstance(error, workflow.StaleVersion) else 400
            return self._review_page(request, version, reviewer, form, status=status)
        return HttpResponseRedirect(self._change_url(version))

    def _review_diff(self, request, version) -> dict:
        """A version resubmitted after a send-back opens on what changed since, beside the comment
        (?against=live shows the changes against the live version instead)."""
        live = version.article.live_version or version.article.withdrawn_version()
        sent_back = (
            version.reviews.filter(outcome=Review.Outcome.SENT_BACK, content_shown__isnull=False)
            .select_related("reviewer")
            .first()
        )
        context = {"sent_back_review": sent_back, "against": "live"}
        if sent_back is not None and request.GET.get("against") != "live":
            context.update(against="sent_back", changes=changes_between(sent_back.content_shown, comparable(version)))
        else:
            context["changes"] = version_changes(live, version)
        return context

    def _review_page(self, request, version, reviewer, form, status=200):
        # Fingerprint first, then render: if the content changes in between, the
        # fingerprint no longer matches and the approval is refused.
        fingerprint = version.compute_fingerprint()
        context = self._admin_context(
            request,
            version,
            title=f"Review: {version.title}",
            fingerprint=fingerprint,
            reviewer=reviewer,
            form=form,
            sign_off_refusal=services.sign_off_refusal(version, reviewer, request.user),
            open_concerns=signoff.blockers(version),
            **comments_panel(request, version),
            changed_since_submission=version.status == Status.SUBMITTED
            and not signoff.matches(fingerprint, version.submitted_fingerprint),
            quality=assess_version(version),
            **self._review_diff(request, version),
        )
        return TemplateResponse(request, "admin/articles/articleversion/review.html", context, status=status)
