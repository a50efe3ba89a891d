"""Admin for supporting text under review (people, causes, cause groups, topics).

The change form edits the *proposal*: it opens with the pending text if there is one,
and saving keeps the edit as the pending change, leaving what readers see untouched.
The page shows the signed-off text, the proposal and a word diff; a medical reviewer
opens "Review proposed text" and signs it off (`articles.supporting_text.approve_text`).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import notifications, supporting_text
from articles.diffing import text_diff

SIGN_OFF_PERMISSION = "articles.sign_off_articleversion"


class PendingTextFilter(admin.SimpleListFilter):
    title = "text"
    parameter_name = "text"

    def lookups(self, request, model_admin):
        return [("pending", "Awaiting sign-off"), ("signed", "Signed off")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(pending_since__isnull=False)
        if self.value() == "signed":
            return queryset.filter(pending_since__isnull=True)
        return queryset


def _shown(obj, name: str, value) -> str:
    """A reviewed value as a reader sees it (a foreign key by the name of what it points at)."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else ""
    return str(value)


def pending_changes(obj) -> list[tuple[str, object]]:
    """(field label, word diff) for each field with a proposed change."""
    published = obj.published_text()
    rows = []
    for name, proposed in obj.pending_text.items():
        label = obj._meta.get_field(name).verbose_name
        rows.append((label, text_diff(_shown(obj, name, published[name]), _shown(obj, name, proposed))))
    return rows


class ReviewedTextAdmin(admin.ModelAdmin):
    """Mix into the ModelAdmin of a `ReviewedText` model (before admin.ModelAdmin)."""

    def get_list_filter(self, request):
        return [PendingTextFilter, *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "text_review"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class ProposalForm(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if self.instance.pk is not None:
                    for name, value in self.instance.pending_text.items():
                        if name in self.fields:
                            self.initial[name] = value

        ProposalForm.__name__ = form.__name__
        return ProposalForm

    @admin.display(description="medical sign-off of this text")
    def text_review(self, obj):
        if obj is None or obj.pk is None:
            return "Saved text is kept as a proposal until a medical reviewer signs it off."
        if not obj.needs_review():
            return "Nothing public shows this yet: a change applies at once, and the first sign-off covers it."
        if not obj.has_pending_text:
            return "Readers see the text above; it is signed off."
        diffs = format_html_join("", "<p><strong>{}</strong></p>{}", pending_changes(obj))
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_review_text", args=[obj.pk])
        return format_html(
            "<p>Proposed by {} on {}; readers still see the signed-off text. The form above shows the "
            'proposal.</p>{}<p><a class="button" href="{}">Review proposed text</a></p>',
            obj.pending_by.get_username() if obj.pending_by_id else "system",
            f"{timezone.localtime(obj.pending_since):%d %b %Y %H:%M}",
            diffs,
            url,
        )

    def save_model(self, request, obj, form, change):
        """Divert the reviewed fields into the pending change; keep the published text."""
        model = type(obj)
        if change and not model.objects.get(pk=obj.pk).needs_review():
            super().save_model(request, obj, form, change)  # nothing public shows it yet
            return
        proposed = obj.published_text()  # the form's values, not yet saved
        if change:
            published = model.objects.get(pk=obj.pk).published_text()
        else:
            published = {name: model._meta.get_field(name).get_default() for name in model.REVIEWED_FIELDS}
            published.update({name: proposed[name] for name in model.SET_ON_CREATION})
        obj.apply_text(published)
        was_pending = change and type(obj).objects.filter(pk=obj.pk, pending_since__isnull=False).exists()
        supporting_text.propose_text(obj=obj, values=proposed, user=request.user)
        super().save_model(request, obj, form, change)
        if obj.has_pending_text and not was_pending:
            notifications.text_proposed(obj)
        if obj.has_pending_text:
            self.message_user(
                request, "Your text is kept as a proposal; readers see it once a medical reviewer signs it off."
            )

    def get_urls(self):
        info = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path(
                "<int:pk>/review-text/",
                self.admin_site.admin_view(self.review_text_view),
                name=f"{info}_review_text",
            ),
            *super().get_urls(),
        ]

    def review_text_view(self, request, pk):
        if not request.user.has_perm(SIGN_OFF_PERMISSION):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=pk)
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        status = 200
        if request.method == "POST":
            decline = request.POST.get("decision") == "decline"
            decide = supporting_text.decline_text if decline else supporting_text.approve_text
            try:
                decide(
                    obj=obj,
                    user=request.user,
                    seen_fingerprint=request.POST.get("fingerprint", ""),
                    comment=request.POST.get("comment", ""),
                )
            except supporting_text.TextReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
                status = 400
                obj.refresh_from_db()
            else:
                done = "Declined: the proposal is gone and readers keep the signed-off text."
                self.message_user(request, done if decline else "Signed off: readers now see the new text.")
                return HttpResponseRedirect(change_url)
        context = {
            "refusal": supporting_text.text_sign_off_refusal(obj, request.user),
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Review proposed text: {obj}",
            "changes": pending_changes(obj),
            "fingerprint": obj.text_fingerprint(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/review_text.html", context, status=status)
