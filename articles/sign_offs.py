"""How many times each article was signed off, counted as it happens (`Article.sign_offs`).

The home page lists the most reviewed articles; counting every approved review of the site on
each render grows with the site. The count is kept on the article instead, in the transaction
that records the sign-off (a `Review` with the outcome approved is created once and never
changed: reviews are append-only).
"""

from django.db.models import F
from django.db.models.signals import post_save


def _counted(sender, instance, created, **kwargs) -> None:
    from articles.models import Article, Review

    if created and instance.outcome == Review.Outcome.APPROVED:
        Article.objects.filter(versions=instance.version_id).update(sign_offs=F("sign_offs") + 1)


def connect_signals() -> None:
    from articles.models import Review

    post_save.connect(_counted, sender=Review, dispatch_uid="articles-sign-offs")
