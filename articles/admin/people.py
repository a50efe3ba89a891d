from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from articles import identity
from articles.admin.reviewed_text import ReviewedTextAdmin
from articles.models import AuditEntry, Person, Review, Series

IDENTITY_FIELDS = ("user", "is_medical_reviewer")


@admin.register(Person)
class PersonAdmin(ReviewedTextAdmin):
    """People. Who signs in as whom and who is a medical reviewer is a superuser's
    decision (`articles.identity`): editors see those fields read-only. Name, credentials,
    bio and profile link are proposals until a medical reviewer signs them off."""

    list_display = ["name", "credentials", "is_medical_reviewer", "user", "account_link", "text_pending"]
    list_filter = ["is_medical_reviewer"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["confirm_account_links"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "account_link"]
        if not request.user.has_perm(identity.MANAGE_SIGNERS_PERMISSION):
            readonly += IDENTITY_FIELDS
        return readonly

    def get_autocomplete_fields(self, request):
        if not request.user.has_perm(identity.MANAGE_SIGNERS_PERMISSION):
            return []
        return super().get_autocomplete_fields(request)

    @admin.display(description="text awaiting sign-off", boolean=True)
    def text_pending(self, obj):
        return obj.has_pending_text

    @admin.display(description="account link")
    def account_link(self, obj):
        if obj.user_id is None:
            return "No account"
        if obj.account_link_confirmed:
            return "Confirmed"
        return format_html("<strong>{}</strong>", "Not confirmed: cannot sign off until a superuser confirms it")

    def save_model(self, request, obj, form, change):
        """Account link and reviewer status change only through `articles.identity` (checked, audited)."""
        wanted = {name: form.cleaned_data[name] for name in IDENTITY_FIELDS if name in form.changed_data}
        saved = Person.objects.filter(pk=obj.pk).values(*IDENTITY_FIELDS).first() if change else None
        obj.user_id = saved["user"] if saved else None
        obj.is_medical_reviewer = saved["is_medical_reviewer"] if saved else False
        super().save_model(request, obj, form, change)
        if wanted:
            try:
                identity.change_signing_identity(
                    person=obj,
                    user=request.user,
                    **({"account": wanted["user"]} if "user" in wanted else {}),
                    is_medical_reviewer=wanted.get("is_medical_reviewer"),
                )
            except identity.IdentityError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                if "user" in wanted and wanted["user"] is not None:
                    self.message_user(
                        request,
                        f"{obj.name} is now linked to “{wanted['user'].get_username()}”. A superuser must confirm "
                        "the link (action “Confirm account link”) before they can sign off.",
                        messages.WARNING,
                    )
            obj.refresh_from_db()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("confirm_account_links", None)
        return actions

    @admin.action(description="Confirm account link (the person signs off as this account)")
    def confirm_account_links(self, request, queryset):
        confirmed = 0
        for person in queryset:
            try:
                identity.confirm_account_link(person=person, user=request.user)
            except identity.IdentityError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                confirmed += 1
        if confirmed:
            self.message_user(request, f"{confirmed} account link(s) confirmed.", messages.SUCCESS)


@admin.register(Series)
class SeriesAdmin(ReviewedTextAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits in the admin (history, counts): listed and viewed only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Review records are history: readable, never written here."""

    list_display = ["version", "outcome", "reviewer", "account", "created_at"]
    list_filter = ["outcome", "reviewer"]
    list_select_related = ["version", "reviewer", "user"]
    search_fields = ["version__title", "comment"]
    date_hierarchy = "created_at"

    @admin.display(description="account")
    def account(self, obj):
        return obj.user.get_username() if obj.user_id else "none (imported history)"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Changes of signing identity and sign-offs of supporting text: append-only."""

    list_display = ["created_at", "kind", "object_repr", "username", "person", "before", "after"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["person"]
    search_fields = ["object_repr", "username"]
    date_hierarchy = "created_at"
