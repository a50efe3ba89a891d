"""Append-only history: rows that are written once and never edited or deleted."""

from django.db import models


class AppendOnlyError(Exception):
    """History records (reviews, timeline events) are never edited or deleted."""


class AppendOnlyModel(models.Model):
    """A model whose rows are history: `save()` only inserts, `delete()` always refuses."""

    # What the refusals call a row of this model, e.g. "A review record".
    history_noun = "A history record"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self.history_noun} cannot be changed: history cannot be rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.history_noun} cannot be deleted.")
