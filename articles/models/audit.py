"""The audit log: who changed whom may sign, or what readers are told about people and causes.

Append-only in the database too (`install_audit_guard`, the approach of articles/immutability.py):
a PostgreSQL trigger refuses any UPDATE or DELETE of `articles_auditentry`, whoever writes (raw
SQL included), except the one UPDATE Django makes when the account behind an entry is deleted
(`user` SET_NULL: user_id cleared, nothing else changed; `username` keeps who it was). The
refusal carries REFUSAL_MARKER, so connections turn it into AppendOnlyError. TRUNCATE is not
guarded (the test suite's flush, a backup restore).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from articles.immutability import REFUSAL_MARKER
from articles.models.reviews import AppendOnlyError


class AuditEntry(models.Model):
    """One change of signing identity or of reviewed supporting text: who, when, before, after.

    Append-only, like reviews and the article timeline. `username` keeps who did it
    even if the account is later deleted.
    """

    class Kind(models.TextChoices):
        ACCOUNT_LINK = "account_link", "Account link changed"
        LINK_CONFIRMED = "link_confirmed", "Account link confirmed"
        REVIEWER_STATUS = "reviewer_status", "Medical reviewer status changed"
        TEXT_APPROVED = "text_approved", "Supporting text signed off"
        TEXT_DECLINED = "text_declined", "Proposed supporting text declined"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, help_text="Who made the change (kept if the account goes).")
    person = models.ForeignKey(
        "articles.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a sign-off: the reviewer it was given as.",
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="articles_audit_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.object_repr} by {self.username} ({self.created_at:%Y-%m-%d %H:%M})"

    @classmethod
    def record(cls, kind: str, obj, *, user, before: dict, after: dict, person=None, comment: str = ""):
        return cls.objects.create(
            kind=kind,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            object_repr=str(obj)[:200],
            before=before,
            after=after,
            user=user,
            username=user.get_username() if user is not None else "system",
            person=person,
            comment=comment,
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An audit entry cannot be deleted.")


AUDIT_TABLE = "articles_auditentry"
AUDIT_REFUSAL = f"{REFUSAL_MARKER}: the audit log is append-only"

AUDIT_GUARD = [
    f"""CREATE OR REPLACE FUNCTION auditlog_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
             AND (to_jsonb(OLD) - 'user_id') = (to_jsonb(NEW) - 'user_id') THEN
           RETURN NEW;  -- the account is being deleted (SET_NULL); the entry and its username stay
         END IF;
         RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{AUDIT_REFUSAL}';
       END $$ LANGUAGE plpgsql""",
    f"CREATE OR REPLACE TRIGGER auditlog_guard_entry BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} FOR EACH ROW "
    "EXECUTE FUNCTION auditlog_guard()",
]


def install_audit_guard(connection) -> None:
    """Create the audit log's guard (idempotent); nothing before its table exists."""
    with connection.cursor() as cursor:
        if AUDIT_TABLE not in connection.introspection.table_names(cursor):
            return
        for sql in AUDIT_GUARD:
            cursor.execute(sql)
