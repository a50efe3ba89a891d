"""Preview links for outside experts: a signed, expiring, revocable address of one version's preview.

A link follows its draft through later saves (the default), or is pinned to the text it was made for;
either dies when the version is signed off or withdrawn, when it expires and when it is revoked."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from articles import signoff
from operations.signing import dumps_as_of

SALT = "previews.link"
MAX_DAYS = 30


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class PreviewLinkQuerySet(models.QuerySet):
    def from_token(self, token: str):
        """The link a token names, if the signature holds and the nonce matches; else None.

        Every token costs the same, so timing does not tell a forged token from a real link that no
        longer works: the signature is always checked, the row is always looked up by primary key (a
        key no row has when the token is unreadable), in one query that also answers "withdrawn since
        the link was made" (`dead_reason`), and the nonce is compared in constant time.

        Says nothing about whether the link still works (see `PreviewLink.dead_reason`)."""
        from articles.models import ArticleEvent

        try:  # tampered, foreign or older than any link can live: no link, after the same work
            data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=MAX_DAYS + 1))
        except signing.BadSignature:
            data = None
        readable = isinstance(data, dict) and isinstance(data.get("id"), int) and isinstance(data.get("n"), str)
        pk, nonce = (data["id"], data["n"]) if readable else (NO_LINK, "")
        withdrawn = ArticleEvent.objects.filter(
            version=OuterRef("version"), kind=ArticleEvent.Kind.WITHDRAWN, created_at__gte=OuterRef("created_at")
        )
        link = (
            self.select_related("version__article__topic", "version__article__series", "version__article__live_version")
            .annotate(withdrawn_since_made=Exists(withdrawn))
            .filter(pk=pk)
            .first()
        )
        nonce_matches = constant_time_compare(link.nonce if link is not None else _nonce(), nonce)
        return link if readable and link is not None and nonce_matches else None


NO_LINK = 0  # a primary key no row has: an unreadable token is looked up all the same


class PreviewLink(models.Model):
    """One version's preview, for a clinician without an account (`previews.services`)."""

    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.CASCADE, related_name="preview_links")
    recipient = models.CharField(
        max_length=120, help_text="Who the link is for (kept in the timeline; the visitor gives their own name)."
    )
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    fingerprint = models.CharField(
        max_length=64, editable=False, help_text="The version's content when the link was made; any change ends it."
    )
    follows_draft = models.BooleanField(
        "follows the draft",
        default=True,
        help_text="Shows the draft as it is now, through later saves; a pinned link (unticked) shows only the "
        "text it was made for and stops working at the next save.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    expires_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    view_count = models.PositiveIntegerField(
        "views", default=0, editable=False, help_text="Every time the preview was opened."
    )
    last_viewed_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The timeline records the first view of each day only."
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "expert preview link"

    def __str__(self) -> str:
        return f"Preview link #{self.pk} for {self.recipient}"

    @property
    def token(self) -> str:
        """The link's token, the same every time it is shown: signed as of the link's creation
        (signing.dumps would stamp the moment of each display, so the address changed every
        second). Read back by `PreviewLinkQuerySet.from_token`, like any signing.dumps token."""
        return dumps_as_of({"id": self.pk, "n": self.nonce}, self.created_at, salt=SALT)

    def get_absolute_url(self) -> str:
        return reverse("previews:expert_preview", kwargs={"token": self.token})

    def dead_reason(self, now: datetime.datetime | None = None) -> str:
        """Why the link no longer opens the preview ("" while it works). Shown to editors only."""
        from articles.models import ArticleEvent, ArticleVersion

        version = self.version
        if self.revoked_at is not None:
            return "revoked"
        if (now or timezone.now()) >= self.expires_at:
            return "expired"
        if version.status == ArticleVersion.Status.APPROVED:
            return "the version was signed off"
        withdrawn = getattr(self, "withdrawn_since_made", None)  # answered by from_token's one query
        if withdrawn is None:
            withdrawn = version.events.filter(
                kind=ArticleEvent.Kind.WITHDRAWN, created_at__gte=self.created_at
            ).exists()
        if withdrawn:
            return "the version was withdrawn from review"
        if not self.follows_draft and not signoff.matches(version.compute_fingerprint(), self.fingerprint):
            return "the version changed (a pinned link)"
        return ""


class ExpertComment(models.Model):
    """What an outside expert wrote on the preview page. Kept, and copied into the article's timeline."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey("articles.ArticleVersion", on_delete=models.CASCADE, related_name="expert_comments")
    given_name = models.CharField(max_length=80)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.given_name} on v{self.version.number}: {self.text[:60]}"
