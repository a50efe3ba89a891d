"""API keys: one per consumer, managed in the admin, stored hashed, with a rate and usage counts."""

import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

KEY_PREFIX = "spk"


def hash_key(raw: str) -> str:
    """SHA-256 of the whole key. Keys are 256 random bits, so a fast unsalted hash is enough:
    nothing to guess, and the stored hash gives nothing back (as for GitHub's tokens)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        """The active key `raw` is, or None. One indexed lookup by hash."""
        if not raw or not raw.startswith(f"{KEY_PREFIX}_") or len(raw) > 100:
            return None
        return self.filter(hashed_key=hash_key(raw), revoked_at__isnull=True).first()


class ApiKey(models.Model):
    name = models.CharField(max_length=100, help_text="Who uses this key: the consumer (a partner site, an app).")
    prefix = models.CharField(
        max_length=16, unique=True, editable=False, help_text="The key's first characters, to recognise it."
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(
        default=120, help_text="Requests this key may make per minute; more get 429 Too Many Requests."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def issue(self) -> str:
        """Give the (unsaved) key its secret and return it: shown once, only its hash is stored."""
        token = secrets.token_urlsafe(32)
        raw = f"{KEY_PREFIX}_{token}"
        self.prefix = raw[: len(KEY_PREFIX) + 9]
        self.hashed_key = hash_key(raw)
        return raw

    @property
    def rate(self) -> str:
        return f"{self.requests_per_minute}/m"


class ApiKeyUsage(models.Model):
    """Requests per key per day: those answered and those refused by the rate limit."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = "API key usage"
        verbose_name_plural = "API key usage"
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="api_usage_once_per_key_and_day")]

    def __str__(self) -> str:
        return f"{self.key.name} on {self.day}: {self.requests} requests, {self.refused} refused"

    @classmethod
    def count(cls, key: ApiKey, *, refused: bool = False) -> None:
        """Add one request to today's row (one UPDATE; an INSERT on the first request of the day)."""
        field = "refused" if refused else "requests"
        today = timezone.localdate()
        if cls.objects.filter(key=key, day=today).update(**{field: F(field) + 1}):
            return
        try:
            with transaction.atomic():
                cls.objects.create(key=key, day=today, **{field: 1})
        except IntegrityError:  # another request created today's row first
            cls.objects.filter(key=key, day=today).update(**{field: F(field) + 1})
