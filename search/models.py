"""What search knows: the index's documents, editors' synonyms and the site's own words.

The tables keep the names they had when these models lived in the articles app.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


class SearchDocument(models.Model):
    """A signed-off version's search document, written by the database's own triggers
    (search/index.py); read-only to Django, hence unmanaged."""

    version = models.OneToOneField(
        "articles.ArticleVersion",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "articles_search_document"

    def __str__(self) -> str:
        return f"search document of version {self.version_id}"


class Synonym(models.Model):
    """Two ways of saying one thing, searched together (both ways), e.g. "charley horse" = "muscle cramp"."""

    class Kind(models.TextChoices):
        SAME = "same", "Means the same: always searched together"
        RELATED = "related", "Related: searched together when the words alone find fewer than 3 articles"

    words = models.CharField(max_length=100, help_text="What readers type, e.g. “charley horse”.")
    same_as = models.CharField(max_length=100, help_text="What the articles say, e.g. “muscle cramp”.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAME)

    class Meta:
        db_table = "articles_synonym"
        ordering = ["words", "same_as"]
        constraints = [
            models.UniqueConstraint(
                Lower("words"),
                Lower("same_as"),
                name="articles_synonym_once",
                violation_error_message="These two are already synonyms.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.words} {'=' if self.kind == self.Kind.SAME else '~'} {self.same_as}"

    def clean(self) -> None:
        from search.terms import query_terms

        problems = {}
        for name in ("words", "same_as"):
            if not query_terms(getattr(self, name)):
                problems[name] = "Give at least one word search can use (common words like “the” are ignored)."
        if not problems and query_terms(self.words) == query_terms(self.same_as):
            problems["same_as"] = "This is the same as the words themselves."
        if problems:
            raise ValidationError(problems)


class VocabularyWord(models.Model):
    """A word of a signed-off version's title, headings or FAQ questions, or of a cause's current
    name: what "did you mean" may suggest (only those of listed articles; see search/vocabulary.py)."""

    word = models.CharField(max_length=40)
    version = models.ForeignKey(
        "articles.ArticleVersion", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cause = models.ForeignKey("taxonomy.Cause", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "articles_vocabularyword"
        indexes = [models.Index(fields=["word"], name="articles_vocabulary_word")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__isnull=True) ^ models.Q(cause__isnull=True),
                name="articles_vocabulary_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.word
