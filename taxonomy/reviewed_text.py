"""Supporting text and classification readers see only once a medical reviewer signed it off.

Cause, cause-group and topic names and descriptions, a cause's group, and people's names,
credentials, bios and profile links are claims readers trust like an article's. The model's
own fields (`name`, `description`, `group`, `bio`, ...) always hold the last signed-off
value, so every page, feed, search, sitemap, API answer and JSON-LD that reads them shows
approved text without knowing about review. An edit in the admin does not touch them: it
is kept as the pending change (`pending_text`, field -> proposed value; a foreign key as its
id) until a reviewer signs it off or declines it (`articles.supporting_text`), which goes
through the one sign-off rule (`articles.signoff`).
"""

from django.conf import settings
from django.db import models

from articles.fingerprint import snapshot_fingerprint


class ReviewedText(models.Model):
    REVIEWED_FIELDS: tuple[str, ...] = ()
    # Set directly when the object is created (a new cause needs a name); reviewed afterwards.
    # Nothing public names a new object until a signed-off article does, and that sign-off covers it.
    SET_ON_CREATION: tuple[str, ...] = ()

    pending_text = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Proposed text awaiting a medical reviewer's sign-off."
    )
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Every account that proposed or changed the pending proposal (ids): none of them may sign it off.
    pending_editors = models.JSONField(default=list, blank=True, editable=False)
    pending_since = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def has_pending_text(self) -> bool:
        return bool(self.pending_text)

    @classmethod
    def _reviewed_field(cls, name: str):
        return cls._meta.get_field(name)

    def published_text(self) -> dict:
        """The signed-off value of each reviewed field (a foreign key as its id)."""
        return {name: self._reviewed_field(name).value_from_object(self) for name in self.REVIEWED_FIELDS}

    def apply_text(self, values: dict) -> None:
        """Set the reviewed fields to `values` (field -> value as `published_text` gives it)."""
        for name, value in values.items():
            setattr(self, self._reviewed_field(name).attname, value)

    def propose_text(self, values: dict, *, user, at) -> None:
        """Keep `values` (field -> value) as the pending change; the published fields stay as they are.

        Values equal to the published text drop out, so editing back withdraws a proposal. Every
        account that touches a proposal is kept with it until it is decided.
        """
        published = self.published_text()
        pending = {
            name: values[name] for name in self.REVIEWED_FIELDS if values.get(name, published[name]) != published[name]
        }
        if pending != self.pending_text:
            self.pending_text = pending
            self.pending_by = user if pending else None
            self.pending_since = (self.pending_since or at) if pending else None
            user_id = getattr(user, "pk", None)
            editors = list(self.pending_editors) if pending else []
            if pending and user_id is not None and user_id not in editors:
                editors.append(user_id)
            self.pending_editors = editors

    def needs_review(self) -> bool:
        """Whether an edit waits for a sign-off (see `Article`: not before readers first saw it)."""
        return True

    def text_decided(self, *, user, approved: bool, comment: str) -> None:
        """Called inside the decision's transaction: a kind with a timeline records it there."""

    def clear_proposal(self) -> None:
        self.pending_text, self.pending_by, self.pending_since, self.pending_editors = {}, None, None, []

    # --- what `articles.signoff` asks of every kind of reviewed content ---------------------

    def review_snapshot(self) -> dict:
        """What the reviewer is shown: the signed-off values and the proposed ones."""
        return {"published": self.published_text(), "proposed": self.pending_text}

    def contributions(self) -> list[tuple[int, str]]:
        ids = [*self.pending_editors, self.pending_by_id]
        return [(pk, "proposed or changed this text") for pk in dict.fromkeys(ids) if pk is not None]

    def own_people(self) -> list[tuple[int, str]]:
        return []

    def text_fingerprint(self) -> str:
        return snapshot_fingerprint(self.review_snapshot())
