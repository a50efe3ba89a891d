"""Article admin: identity, filing, and the list editors and reviewers work from."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import inbox, lifecycle, services, workflow
from articles.admin.review_interval import ReviewIntervalAdmin
from articles.admin.reviewed_text import ReviewedTextAdmin
from articles.admin.workflow import ConfirmStillAccurateForm, PostStepMixin, TakeDownForm
from articles.diffing import version_changes
from articles.models import Article, ArticleEvent, ArticleVersion, Person
from operations.text import validate_one_line
from references.linkcheck import link_report

Status = ArticleVersion.Status


class ArticleCreationForm(forms.ModelForm):
    """Adding an article asks for its title too, and creates the first draft."""

    title = forms.CharField(
        max_length=200,
        validators=[validate_one_line],
        help_text="The article's headline; you can change it in the draft.",
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "topic", "series", "part_number"]


class ArticleChangeForm(forms.ModelForm):
    """An assignment that would leave the article stuck is a form error, not a crash."""

    class Meta:
        model = Article
        fields = ["slug", "topic", "series", "part_number", "review_interval_months", "assigned_reviewer", "archive_at"]

    def clean_assigned_reviewer(self):
        reviewer = self.cleaned_data.get("assigned_reviewer")
        if "assigned_reviewer" in self.changed_data:
            refusal = lifecycle.assignment_refusal(self.instance, reviewer)
            if refusal:
                raise forms.ValidationError(refusal)
        return reviewer


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Has a draft"),
            ("submitted", "Awaiting review"),
            ("sent_back", "Sent back"),
            ("live", "Live"),
            ("unpublished", "Never published"),
            ("archived", "Archived"),
            ("taken_down", "Taken down (withdrawn for medical review)"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ArticleVersion.OPEN_STATUSES:
            return queryset.filter(versions__status=value).distinct()
        if value == "live":
            return queryset.live()
        if value == "unpublished":
            return queryset.filter(live_version__isnull=True)
        if value == "archived":
            return queryset.filter(archived_at__isnull=False)
        if value == "taken_down":
            return queryset.taken_down()
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("soon", "Due soon"), ("never", "Never reviewed")]

    def queryset(self, request, queryset):
        return {
            "overdue": queryset.overdue,
            "soon": queryset.due_soon,
            "never": queryset.never_reviewed,
        }.get(self.value(), queryset.all)()


class ReviewerFilter(admin.SimpleListFilter):
    title = "reviewer (assigned, else last)"
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        return list(Person.objects.filter(is_medical_reviewer=True).values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            person = Person.objects.filter(slug=self.value()).first()
            return queryset.responsible(person) if person else queryset.none()
        return queryset


class CauseFilter(admin.SimpleListFilter):
    title = "cause"
    parameter_name = "cause"

    def lookups(self, request, model_admin):
        from taxonomy.models import Cause

        return list(Cause.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(versions__cause_links__tag__slug=self.value()).distinct()
        return queryset


class VersionInline(admin.TabularInline):
    """The article's versions, newest first, each linking to its own page."""

    model = ArticleVersion
    fields = ["version_link", "status", "updated_at", "submitted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["-number"]

    @admin.display(description="version")
    def version_link(self, obj):
        url = reverse("admin:articles_articleversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{} — {}</a>', url, obj.number, obj.title)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(PostStepMixin, ReviewIntervalAdmin, ReviewedTextAdmin):
    add_form = ArticleCreationForm
    form = ArticleChangeForm
    list_display = ["title_column", "status_column", "topic", "reviewed_column", "due_date_column", "assigned_reviewer"]
    list_filter = [StatusFilter, ReviewDueFilter, ReviewerFilter, "topic", CauseFilter]
    list_select_related = ["topic", "live_version", "assigned_reviewer"]
    search_fields = ["slug", "versions__title"]
    autocomplete_fields = ["series", "assigned_reviewer"]
    inlines = [VersionInline]
    fieldsets = [
        (None, {"fields": ["slug", "topic", "series", "part_number", "text_review"]}),
        ("Review cycle", {"fields": ["review_interval_months", "assigned_reviewer", "publication", "review_state"]}),
        ("Archiving", {"fields": ["archive_at", "archive_state"]}),
        ("History", {"fields": ["timeline"]}),
    ]
    # The review interval is a medical reviewer's change ("Change review interval"), not a form field.
    readonly_fields = ["review_interval_months", "publication", "review_state", "archive_state", "timeline"]
    change_form_template = "admin/articles/article/change_form.html"

    def get_queryset(self, request):
        versions = ArticleVersion.objects.filter(article=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                working_title=Coalesce(
                    "live_version__title", Subquery(versions.order_by("-number").values("title")[:1])
                ),
                open_status=Subquery(versions.filter(status__in=ArticleVersion.OPEN_STATUSES).values("status")[:1]),
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ArticleCreationForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None else {}

    @admin.display(description="title", ordering="working_title")
    def title_column(self, obj):
        return obj.working_title or obj.slug

    @admin.display(description="status")
    def status_column(self, obj):
        labels = dict(Status.choices)
        parts = []
        if obj.live_version_id:
            parts.append(f"{'Archived' if obj.archived_at else 'Live'} v{obj.live_version.number}")
        elif obj.taken_down_at:
            parts.append("Taken down")
        if obj.open_status:
            parts.append(labels[obj.open_status])
        return " + ".join(parts) or "—"

    @admin.display(description="last reviewed", ordering="last_reviewed_at")
    def reviewed_column(self, obj):
        return f"{obj.last_reviewed_at:%d %b %Y}" if obj.last_reviewed_at else "—"

    @admin.display(description="next review due", ordering="next_review_due")
    def due_date_column(self, obj):
        if obj.next_review_due is None:
            return "Never reviewed"
        if obj.is_overdue:
            return format_html(
                '{} <strong style="color:var(--error-fg)">overdue</strong>', f"{obj.next_review_due:%d %b %Y}"
            )
        return f"{obj.next_review_due:%d %b %Y}" + (" · due soon" if obj.is_due_soon else "")

    @admin.display(description="on the public site")
    def publication(self, obj):
        parts = []
        if obj.live_version_id:
            parts.append(
                format_html(
                    'v{} is live at <a href="{}">{}</a>. First published {}; last reviewed {} by {}.',
                    obj.live_version.number,
                    obj.get_absolute_url(),
                    obj.get_absolute_url(),
                    f"{obj.first_published_at:%d %b %Y}",
                    f"{obj.last_reviewed_at:%d %b %Y}",
                    obj.last_reviewed_by,
                )
            )
        elif obj.is_taken_down:
            event = obj.events.filter(kind=ArticleEvent.Kind.TAKEN_DOWN).select_related("user", "version").last()
            parts.append(
                format_html(
                    "<strong>Taken down</strong> {} by {}: “{}”. Readers get 410 “withdrawn for medical review” at "
                    "<code>{}</code>. It comes back only with a new sign-off: <em>Edit content</em>, submit, sign off.",
                    f"{obj.taken_down_at:%d %b %Y %H:%M}",
                    (event.user or "system") if event else "?",
                    event.comment if event else "",
                    obj.get_absolute_url(),
                )
            )
        else:
            parts.append("Not published: no version has gone live yet.")
        if obj.scheduled_version_id:
            parts.append(
                format_html(
                    "Signed-off v{} goes live at {}.",
                    obj.scheduled_version.number,
                    f"{obj.publish_at:%d %b %Y %H:%M %Z}",
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))

    @admin.display(description="next review")
    def review_state(self, obj):
        if obj.next_review_due is None:
            return "Never reviewed."
        state = "overdue" if obj.is_overdue else "due soon" if obj.is_due_soon else "scheduled"
        return f"Due {obj.next_review_due:%d %b %Y} ({state}); every {obj.review_interval} months."

    @admin.display(description="archived")
    def archive_state(self, obj):
        if obj.archived_at:
            return f"Archived {obj.archived_at:%d %b %Y %H:%M}: readable at its address, out of lists and search."
        return "Not archived."

    @admin.display(description="timeline")
    def timeline(self, obj):
        events = obj.events.select_related("user", "version")
        if not events:
            return "Nothing recorded yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{event.created_at:%d %b %Y %H:%M}",
                    event.get_kind_display(),
                    f"v{event.version.number}" if event.version else "",
                    event.actor_label,
                    event.comment,
                )
                for event in events
            ),
        )
        return format_html(
            '<table class="timeline"><thead><tr><th>When</th><th>What</th><th>Version</th><th>Who</th>'
            "<th>Comment</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        if change:
            # Assignment and archive schedule go through the services, which record them.
            saved = Article.objects.get(pk=obj.pk)
            obj.assigned_reviewer, obj.archive_at = saved.assigned_reviewer, saved.archive_at
            super().save_model(request, obj, form, change)
            if saved.slug != obj.slug:
                moved = f"/articles/{saved.slug}/ → /articles/{obj.slug}/"
                if obj.first_published_at is not None:
                    moved += " (the old address redirects to the new one)"
                workflow.record(obj, ArticleEvent.Kind.ADDRESS_CHANGED, user=request.user, comment=moved)
            if "assigned_reviewer" in form.changed_data:
                lifecycle.assign_reviewer(
                    article=obj, reviewer=form.cleaned_data["assigned_reviewer"], user=request.user
                )
            if "archive_at" in form.changed_data:
                lifecycle.schedule_archive(article=obj, archive_at=form.cleaned_data["archive_at"], user=request.user)
        else:
            services.create_article(article=obj, title=form.cleaned_data["title"], user=request.user)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        draft = obj.versions.get(number=1)
        self.message_user(request, f"Article created. Write the first draft of “{draft.title}” here.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_articleversion_change", args=[draft.pk]))

    # --- "Edit content": open the draft, starting one from the live version if needed ----

    def get_urls(self):
        return [
            path("<int:pk>/edit/", self.admin_site.admin_view(self.edit_content_view), name="articles_article_edit"),
            path("<int:pk>/archive/", self.admin_site.admin_view(self.archive_view), name="articles_article_archive"),
            path("<int:pk>/restore/", self.admin_site.admin_view(self.restore_view), name="articles_article_restore"),
            path("<int:pk>/compare/", self.admin_site.admin_view(self.compare_view), name="articles_article_compare"),
            path(
                "<int:pk>/take-down/", self.admin_site.admin_view(self.take_down_view), name="articles_article_takedown"
            ),
            path(
                "<int:pk>/re-review/", self.admin_site.admin_view(self.re_review_view), name="articles_article_rereview"
            ),
            *super().get_urls(),
        ]

    def edit_content_view(self, request, pk):
        """GET ("Edit this page" on the public site): the open draft if there is one, else the article's page
        with the offer to start one. POST ("Edit content"): start a draft."""
        article = get_object_or_404(Article, pk=pk)
        if request.method != "POST":
            open_version = article.open_version()
            if open_version is not None:
                return HttpResponseRedirect(reverse("admin:articles_articleversion_change", args=[open_version.pk]))
            self.message_user(
                request,
                "This article has no open draft. “Edit content (start a new draft)” below starts one from the live "
                "version; readers keep the live version until the new one is signed off.",
                messages.INFO,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        try:
            version = services.start_draft(article=article, user=request.user)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        return HttpResponseRedirect(reverse("admin:articles_articleversion_change", args=[version.pk]))

    def archive_view(self, request, pk):
        return self._post_step(request, pk, lifecycle.archive_article, "Archived: out of listings, still readable.")

    def restore_view(self, request, pk):
        return self._post_step(request, pk, lifecycle.restore_article, "Restored to listings.")

    def compare_view(self, request, pk):
        """Any two versions of the article side by side: ?from=N&to=M (version numbers). By default the
        latest version against the one before it."""
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        versions = list(article.versions.order_by("number"))
        by_number = {version.number: version for version in versions}

        def chosen(name, default):
            value = request.GET.get(name, "")
            return by_number.get(int(value)) if value.isdigit() and int(value) in by_number else default

        newer = chosen("to", versions[-1] if versions else None)
        older = chosen("from", next((v for v in reversed(versions) if newer and v.number < newer.number), newer))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": version_changes(older, newer) if older and newer else [],
            "title": f"Compare versions: {article.current_title()}",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def take_down_view(self, request, pk):
        """Emergency take-down: a page that says what will happen and asks for the reason (the confirmation),
        then the service."""
        article = get_object_or_404(Article.objects.select_related("live_version"), pk=pk)
        refusal = lifecycle.take_down_refusal(article, request.user)
        if refusal and not request.user.has_perm(lifecycle.TAKE_DOWN_PERMISSION):
            raise PermissionDenied(refusal)
        change_url = reverse("admin:articles_article_change", args=[pk])
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = TakeDownForm(request.POST if request.method == "POST" else None)
        status = 200
        if form.is_bound and not form.is_valid():
            status = 400
        elif form.is_bound:
            try:
                lifecycle.take_down_article(article=article, user=request.user, reason=form.cleaned_data["reason"])
            except workflow.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
                status = 400
            else:
                self.message_user(
                    request,
                    f"Taken down: readers now get “withdrawn for medical review” at {article.get_absolute_url()}. "
                    "A new sign-off brings it back.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "version": article.live_version,
            "form": form,
            "title": f"Take down: {article.live_version.title}",
        }
        return TemplateResponse(request, "admin/articles/article/take_down.html", context, status=status)

    def re_review_view(self, request, pk):
        """A reviewer reads the live version and confirms it still stands."""
        if not request.user.has_perm(workflow.SIGN_OFF_PERMISSION):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.select_related("live_version"), pk=pk)
        version = article.live_version
        if version is None:
            self.message_user(request, "This article has no live version to re-review.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        reviewer = getattr(request.user, "person", None)
        status = 200
        form = ConfirmStillAccurateForm(request.POST if request.method == "POST" else None)
        if form.is_bound and not form.is_valid():
            status = 400
        elif form.is_bound:
            try:
                if reviewer is None:
                    raise workflow.NotAllowed("Your account is not linked to a person profile, so you cannot sign off.")
                services.re_review_live_version(
                    article=article,
                    reviewer=reviewer,
                    seen_fingerprint=form.cleaned_data["fingerprint"],
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except workflow.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
                status = 409 if isinstance(error, workflow.StaleVersion) else 400
            else:
                self.message_user(request, "Re-review recorded; the review dates have moved.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        fingerprint = version.compute_fingerprint()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "version": version,
            "faq": list(version.faq_entries.all()),
            "references": version.references.all(),
            "authors": version.ordered_authors(),
            "causes_by_group": version.causes_by_group(),
            "fingerprint": fingerprint,
            "link_report": link_report(version.references.order_by("number")),
            "open_problems": inbox.open_problems(article),
            "reviewer": reviewer,
            "form": form,
            "title": f"Re-review: {version.title}",
        }
        return TemplateResponse(request, "admin/articles/article/re_review.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            user = request.user
            extra_context["open_version"] = article.open_version()
            extra_context["can_edit_content"] = user.has_perm(workflow.EDIT_PERMISSION)
            can_change = user.has_perm("articles.change_article")
            extra_context["can_archive"] = can_change and article.archived_at is None and article.live_version_id
            extra_context["can_restore"] = can_change and article.archived_at is not None
            extra_context["can_re_review"] = user.has_perm(workflow.SIGN_OFF_PERMISSION) and article.live_version_id
            extra_context["can_take_down"] = not lifecycle.take_down_refusal(article, user)
            extra_context["link_report"] = (
                link_report(article.live_version.references.order_by("number")) if article.live_version_id else None
            )
        return super().change_view(request, object_id, form_url, extra_context)
