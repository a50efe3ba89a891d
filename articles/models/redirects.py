"""Earlier addresses of articles: /articles/<old_slug>/ answers 301 to the article's address now."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class ArticleRedirect(models.Model):
    """An old slug that leads to an article.

    The target is the article, not a path: whatever the article's slug is today,
    every earlier slug sends readers straight there (chains cannot form), and a
    redirect whose target stopped being live is a 404 like any unpublished page.
    """

    old_slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The earlier address's slug: old-name means /articles/old-name/ sends readers to the "
        "article's address now.",
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"/articles/{self.old_slug}/ → /articles/{self.article.slug}/" if self.article_id else self.old_slug

    def clean(self):
        from articles.models import Article

        super().clean()
        if not self.old_slug or not self.article_id:
            return
        if self.old_slug == self.article.slug:
            raise ValidationError(
                {"old_slug": f"/articles/{self.old_slug}/ is this article's own address: it would redirect to itself."}
            )
        other = Article.objects.filter(slug=self.old_slug).first()
        if other is not None:
            raise ValidationError(
                {
                    "old_slug": f"/articles/{self.old_slug}/ is the address of the article “{other.current_title()}”; "
                    "a redirect there would hide that page."
                }
            )
