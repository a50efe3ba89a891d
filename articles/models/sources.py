"""The shared source library: each work is entered once and cited by its key.

Versions cite a source as `[@key]`; the version's numbered reference list is a
snapshot of the cited sources (articles.models.Reference), taken while it is a
draft and frozen with it, so correcting a library entry later changes no
signed-off version. Entries are unique by DOI (any case), PMID and URL.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from references.keys import normalise_url
from references.validators import validate_doi, validate_http_url, validate_key, validate_pmid


class Source(models.Model):
    class Kind(models.TextChoices):
        JOURNAL = "journal", "Journal article"
        BOOK = "book", "Book"
        WEB = "web", "Web page"
        GUIDELINE = "guideline", "Guideline"

    key = models.CharField(
        max_length=60,
        unique=True,
        validators=[validate_key],
        help_text="Cite it in a body or FAQ answer as [@key], several as [@key1; @key2].",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.JOURNAL)
    authors = models.CharField(max_length=500, blank=True, help_text='Vancouver style: "Miller TM, Layzer RB".')
    title = models.CharField(max_length=500)
    source = models.CharField(
        "journal or publisher", max_length=300, blank=True, help_text="Journal, or publisher / website."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    pmid = models.CharField("PMID", max_length=12, blank=True, validators=[validate_pmid])
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    accessed = models.DateField(null=True, blank=True, help_text="For web pages: when the page was read.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What a version's reference snapshot copies (articles.models.Reference has the same fields).
    COPIED_FIELDS = ("kind", "authors", "title", "source", "year", "volume", "issue", "pages", "url", "pmid", "doi")

    class Meta:
        ordering = ["key"]
        verbose_name = "source"
        constraints = [
            models.UniqueConstraint(Lower("doi"), condition=~Q(doi=""), name="articles_source_doi_unique"),
            models.UniqueConstraint(fields=["pmid"], condition=~Q(pmid=""), name="articles_source_pmid_unique"),
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="articles_source_url_unique"),
        ]

    def __str__(self) -> str:
        return f"[@{self.key}] {self.title}"

    def clean(self):
        """Refuse a second entry for a work already in the library, naming the entry to cite instead."""
        super().clean()
        self.url = normalise_url(self.url)
        others = Source.objects.exclude(pk=self.pk)
        problems = {}
        for field, lookup in [("doi", "doi__iexact"), ("pmid", "pmid"), ("url", "url")]:
            value = getattr(self, field)
            existing = value and others.filter(**{lookup: value}).first()
            if existing:
                problems[field] = (
                    f"This {self._meta.get_field(field).verbose_name} is already in the library as "
                    f"[@{existing.key}] (“{existing.title}”): cite that entry instead."
                )
        if problems:
            raise ValidationError(problems)

    def citation_html(self) -> str:
        from references.citations import format_citation

        return format_citation(self)
