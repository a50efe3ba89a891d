"""Article admin: identity, filing, and the list editors and reviewers work from."""

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from articles import services
from articles.models import Article, ArticleVersion

Status = ArticleVersion.Status


class ArticleCreationForm(forms.ModelForm):
    """Adding an article asks for its title too, and creates the first draft."""

    title = forms.CharField(max_length=200, help_text="The article's headline; you can change it in the draft.")

    class Meta:
        model = Article
        fields = ["title", "slug", "topic", "series", "part_number", "review_interval_months"]


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
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("draft", "submitted", "sent_back"):
            return queryset.filter(versions__status=value).distinct()
        if value == "live":
            return queryset.live()
        if value == "unpublished":
            return queryset.filter(live_version__isnull=True)
        if value == "archived":
            return queryset.filter(archived_at__isnull=False)
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
class ArticleAdmin(admin.ModelAdmin):
    add_form = ArticleCreationForm
    list_display = ["title_column", "status_column", "live_column", "topic", "last_reviewed_at", "next_review_due"]
    list_filter = [StatusFilter, "topic", CauseFilter]
    list_select_related = ["topic", "live_version"]
    search_fields = ["slug", "versions__title"]
    autocomplete_fields = ["series"]
    inlines = [VersionInline]
    fields = ["slug", "topic", "series", "part_number", "review_interval_months", "archived_at", "publication"]
    readonly_fields = ["publication"]
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

    def get_fields(self, request, obj=None):
        if obj is None:
            return ArticleCreationForm.Meta.fields
        return super().get_fields(request, obj)

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
            parts.append("Archived" if obj.archived_at else "Live")
        if obj.open_status:
            parts.append(labels[obj.open_status])
        return " + ".join(parts) or "—"

    @admin.display(description="live version", ordering="live_version__number")
    def live_column(self, obj):
        return f"v{obj.live_version.number}" if obj.live_version_id else "—"

    @admin.display(description="on the public site")
    def publication(self, obj):
        if not obj.live_version_id:
            return "Not published: no version has been signed off yet."
        return format_html(
            'v{} is live at <a href="{}">{}</a>. First published {}; last reviewed {} by {}; next review due {}.',
            obj.live_version.number,
            obj.get_absolute_url(),
            obj.get_absolute_url(),
            f"{obj.first_published_at:%d %b %Y}",
            f"{obj.last_reviewed_at:%d %b %Y}",
            obj.last_reviewed_by,
            f"{obj.next_review_due:%d %b %Y}",
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
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
            *super().get_urls(),
        ]

    def edit_content_view(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        try:
            version = services.start_draft(article=article, user=request.user)
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        return HttpResponseRedirect(reverse("admin:articles_articleversion_change", args=[version.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context["open_version"] = article.open_version()
            extra_context["can_edit_content"] = request.user.has_perm(services.EDIT_PERMISSION)
        return super().change_view(request, object_id, form_url, extra_context)
