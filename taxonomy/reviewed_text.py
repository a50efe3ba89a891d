"""Supporting text readers see only once a medical reviewer signed it off.

Cause, cause-group and topic descriptions and people's names, credentials, bios and
profile links are claims readers trust like an article's. The model's own fields
(`description`, `bio`, ...) always hold the last signed-off text, so every page, feed,
search and JSON-LD that reads them shows approved text without knowing about review.
An edit in the admin does not touch them: it is kept as the pending change
(`pending_text`, field -> proposed value) until a reviewer approves it
(`articles.supporting_text.approve_text`), which copies it over and logs before/after.
"""

import hashlib
import json

from django.conf import settings
from django.db import models


class ReviewedText(models.Model):
    REVIEWED_FIELDS: tuple[str, ...] = ()
    # Set directly when the object is created (a new person needs a name); reviewed afterwards.
    SET_ON_CREATION: tuple[str, ...] = ()

    pending_text = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Proposed text awaiting a medical reviewer's sign-off."
    )
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    pending_since = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def has_pending_text(self) -> bool:
        return bool(self.pending_text)

    def published_text(self) -> dict:
        return {name: getattr(self, name) for name in self.REVIEWED_FIELDS}

    def propose_text(self, values: dict, *, user, at) -> None:
        """Keep `values` (field -> text) as the pending change; the published fields stay as they are.

        Values equal to the published text drop out, so editing back withdraws a proposal.
        """
        published = self.published_text()
        pending = {
            name: values[name] for name in self.REVIEWED_FIELDS if values.get(name, published[name]) != published[name]
        }
        if pending != self.pending_text:
            self.pending_text = pending
            self.pending_by = user if pending else None
            self.pending_since = at if pending else None

    def text_fingerprint(self) -> str:
        """SHA-256 of the published and the proposed text: what a reviewer saw when approving."""
        canonical = json.dumps([self.published_text(), self.pending_text], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
