"""What the draft form keeps between real saves: each editor's autosave, and who has the draft open."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

TEXT_FIELDS = ("title", "summary", "body", "image_credits", "change_note")
PRESENCE_WINDOW = datetime.timedelta(seconds=45)  # a page pings every 15 s; three missed pings and it is gone


class Autosave(models.Model):
    """One editor's unsaved text of one version: never a version, never in its fingerprint.

    Written while they type, offered back when they open the version again, deleted when they save
    or discard it. `base_revision` is the revision their form started from, so a restored form still
    meets the conflict check if someone saved in between."""

    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base_revision = models.PositiveIntegerField()
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    image_credits = models.TextField(blank=True)
    change_note = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="one_autosave_per_editor")]

    def __str__(self) -> str:
        return f"Autosave of version {self.version_id} by {self.user_id} at {self.saved_at:%H:%M}"

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}

    def differs_from(self, version) -> bool:
        return any(getattr(version, name) != value for name, value in self.fields().items())


class PresenceQuerySet(models.QuerySet):
    def current(self, now: datetime.datetime | None = None):
        return self.filter(seen_at__gte=(now or timezone.now()) - PRESENCE_WINDOW)


class Presence(models.Model):
    """Someone has the version's form open (last ping at `seen_at`)."""

    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="one_presence_per_editor")]

    def __str__(self) -> str:
        return f"{self.user_id} on version {self.version_id}"
