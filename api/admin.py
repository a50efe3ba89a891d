"""API keys in the admin: create one (its secret is shown once), see its usage, revoke it."""

from django.contrib import admin
from django.db.models import Max, Sum
from django.utils import timezone

from api.models import ApiKey, ApiKeyUsage
from operations.secrets import show_once


class UsageInline(admin.TabularInline):
    model = ApiKeyUsage
    fields = ("day", "requests", "refused")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-day"]
    verbose_name_plural = "usage per day"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "requests_per_minute", "active", "total_requests", "total_refused", "last_used")
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "created_by", "revoked_at")
    fields = ("name", "requests_per_minute", "prefix", "created_at", "created_by", "revoked_at")
    inlines = [UsageInline]
    actions = ["revoke"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_requests=Sum("usage__requests"), total_refused=Sum("usage__refused"), last_used=Max("usage__day")
            )
        )

    @admin.display(boolean=True, description="active")
    def active(self, key):
        return key.is_active

    @admin.display(description="requests", ordering="total_requests")
    def total_requests(self, key):
        return key.total_requests or 0

    @admin.display(description="refused (rate limit)", ordering="total_refused")
    def total_refused(self, key):
        return key.total_refused or 0

    @admin.display(description="last used", ordering="last_used")
    def last_used(self, key):
        return key.last_used

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        raw = obj.issue()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        show_once(
            request,
            f"The key for “{obj.name}” is {raw} — copy it now: it is stored hashed and will not be shown again.",
        )

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} key(s) revoked.")
