"""How many times each article was signed off, counted as it happens (`Article.sign_offs`).

The home page lists the most reviewed articles; counting every approved review of the site on
each render grows with the site. The count is kept on the article instead, in the transaction
that records the sign-off: when an approving `Review` is created, and whenever the article is
saved (a step that saves the article it read before the review would otherwise write back the
count it read). Each is one count of one article's reviews.
"""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.signals import post_save, pre_save


def _approvals(article):
    from articles.models import Review

    return Review.objects.filter(version__article=article, outcome=Review.Outcome.APPROVED)


def _article_saved(sender, instance, raw=False, **kwargs) -> None:
    if instance.pk is not None and not raw:
        instance.sign_offs = _approvals(instance.pk).count()


def _review_created(sender, instance, created, raw=False, **kwargs) -> None:
    from articles.models import Article, Review

    if created and not raw and instance.outcome == Review.Outcome.APPROVED:
        counted = (
            Article.objects.filter(pk=OuterRef("pk"))
            .annotate(n=Count("versions__reviews", filter=Q(versions__reviews__outcome=Review.Outcome.APPROVED)))
            .values("n")
        )
        Article.objects.filter(versions=instance.version_id).update(sign_offs=Subquery(counted))


def connect_signals() -> None:
    from articles.models import Article, Review

    pre_save.connect(_article_saved, sender=Article, dispatch_uid="articles-sign-offs-article")
    post_save.connect(_review_created, sender=Review, dispatch_uid="articles-sign-offs-review")
