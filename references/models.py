"""The shared source library, and the last check of each cited web address.

`Source`: each work is entered once and cited by its key. Versions cite a source as
`[@key]`; the version's numbered reference list is a snapshot of the cited sources
(articles.models.Reference), taken while it is a draft and frozen with it, so
correcting a library entry later changes no signed-off version. Entries are unique
by DOI (any case), PMID and URL.

`LinkCheck`: the last check of each reference URL (`manage.py check_references`,
references/linkcheck.py). Keyed by URL, not by reference: a check result is a fact
about a web page, not part of any version's signed-off content, so it changes freely
while versions do not.

Both tables were made by the articles app and keep their names (articles_source,
articles_linkcheck).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from references.citations import format_citation
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
    # Every account that created or edited the entry, kept for good: a version citing it shows their
    # text, so none of them may sign that version off (`ArticleVersion.contributions`).
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False)

    # What a version's reference snapshot copies (articles.models.Reference has the same fields).
    COPIED_FIELDS = ("kind", "authors", "title", "source", "year", "volume", "issue", "pages", "url", "pmid", "doi")

    class Meta:
        db_table = "articles_source"
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
        return format_citation(self)


class LinkCheckQuerySet(models.QuerySet):
    def dead(self):
        """No answer (timeout, refused, DNS, TLS), or an error status."""
        return self.filter(Q(status__isnull=True) | Q(status__gte=400))

    def redirected(self):
        """Answered, but from another address than the one cited."""
        return self.filter(status__lt=400).exclude(final_url=F("url"))


class LinkCheck(models.Model):
    url = models.URLField(max_length=500, unique=True)
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="HTTP status of the last response; empty when there was none."
    )
    final_url = models.URLField(max_length=2000, blank=True, help_text="Where the redirects, if any, ended.")
    error = models.CharField(max_length=200, blank=True, help_text="Why there was no response.")
    checked_at = models.DateTimeField()

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        db_table = "articles_linkcheck"
        ordering = ["url"]
        verbose_name = "reference link check"

    def __str__(self) -> str:
        return f"{self.url}: {self.summary}"

    @property
    def is_dead(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def is_redirected(self) -> bool:
        return not self.is_dead and self.final_url != self.url

    @property
    def summary(self) -> str:
        if self.status is None:
            if self.error.startswith(("not checked", "not followed")):
                return self.error
            return f"no response ({self.error})"
        if self.is_dead:
            return f"dead (HTTP {self.status})"
        if self.is_redirected:
            return f"redirected to {self.final_url}"
        return f"OK (HTTP {self.status})"
