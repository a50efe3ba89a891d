"""Versions of an article's content and the rows that belong to one version.

A version is edited while it is a draft (or sent back), frozen for review when it
is submitted, and immutable once a reviewer signs it off: the model refuses to
save or delete a signed-off version or any of its authors, causes, references
or FAQ entries, and the database refuses every other write path too (triggers,
articles/immutability.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.fingerprint import snapshot_fingerprint
from operations.text import SingleLineFields
from references.validators import validate_doi, validate_http_url, validate_pmid
from taxonomy.models import Cause


class ImmutableVersionError(Exception):
    """Raised on any attempt to change a signed-off version or its parts."""


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting review"
    SENT_BACK = "sent_back", "Sent back"
    APPROVED = "approved", "Signed off"


# Still being worked on or awaiting review: an article has at most one version in these (a constraint).
OPEN_STATUSES = [VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.SENT_BACK]


class VersionQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=ArticleVersion.Status.SUBMITTED).order_by("submitted_at")


class ArticleVersion(SingleLineFields, models.Model):
    Status = VersionStatus
    OPEN_STATUSES = OPEN_STATUSES
    EDITABLE_STATUSES = (Status.DRAFT, Status.SENT_BACK)
    # A line break here would reach the page, the feed and mail subjects: refused (operations.text).
    SINGLE_LINE_FIELDS = ("title", "summary", "change_note", "search_description", "social_image")

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    title = models.CharField(max_length=200)
    summary = models.TextField(
        max_length=300, help_text="One or two sentences; shown under the title and to search engines."
    )
    body = models.TextField(
        blank=True,
        help_text="Markdown. Start sections with ## headings; cite sources from the library by key, "
        "as [@maquirriain2007] or [@key1; @key2]: they are numbered for you. Place a picture from the "
        "image library on a line of its own as ![[image:KEY]].",
    )
    image_credits = models.TextField(blank=True)
    change_note = models.CharField(
        "what changed",
        max_length=200,
        blank=True,
        help_text="One line for readers' Review history: what this version changes. Required from the second "
        "signed-off version on; reviewed and signed off with the text.",
    )
    search_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="What search engines and link previews show under the title (up to 160 characters). "
        "Empty: the summary.",
    )
    social_image = models.CharField(
        "social image",
        max_length=60,
        blank=True,
        help_text="The key of a picture placed in the body, shown when the page is shared and in its "
        "structured data. Empty: the first picture.",
    )
    authors = models.ManyToManyField(
        "articles.Person", through="articles.VersionAuthor", related_name="authored_versions"
    )
    causes = TaggableManager(through="articles.VersionCause", blank=True, related_name="versions")

    body_html = models.TextField(blank=True, editable=False, help_text="Rendered when the version is signed off.")

    # Derived from the content when the version is signed off (articles/derived.py); never edited.
    toc = models.JSONField(
        default=list, blank=True, editable=False, help_text="[{id, text, level}] of the body's headings."
    )
    citation_backlinks = models.JSONField(
        default=dict, blank=True, editable=False, help_text='{"reference number": [ids of the markers citing it]}.'
    )
    reading_minutes = models.PositiveSmallIntegerField(default=0, editable=False)
    search_causes = models.TextField(blank=True, editable=False, help_text="Cause names, for search.")
    search_text = models.TextField(blank=True, editable=False, help_text="Body and FAQ as plain text, for search.")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Every account that created, saved (the version or any of its parts, in the admin) or
    # submitted the version, kept for good: none of them may review it (`worked_on_by`).
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False)
    revision = models.PositiveIntegerField(
        default=0, editable=False, help_text="Goes up on every save; a form saved from an older revision is a conflict."
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="articles_version_number_unique"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status__in=OPEN_STATUSES),
                name="articles_one_open_version_per_article",
            ),
        ]
        permissions = [
            ("sign_off_articleversion", "Can sign off or send back submitted versions"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number}, {self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:articles_articleversion_change", args=[self.pk])

    # --- state -------------------------------------------------------------

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_live(self) -> bool:
        return self.pk is not None and self.article.live_version_id == self.pk

    def save(self, *args, **kwargs):
        if self.pk is not None and ArticleVersion.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise ImmutableVersionError(f"Version {self.pk} is signed off and cannot be changed.")
        self.revision += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if ArticleVersion.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise ImmutableVersionError(f"Version {self.pk} is signed off and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def has_signed_off_predecessor(self) -> bool:
        """An earlier version of the article was signed off: this one changes published text."""
        return self.article.versions.filter(status=self.Status.APPROVED, number__lt=self.number).exists()

    # --- who worked on it ---------------------------------------------------

    def contributions(self) -> list[tuple[int, str]]:
        """The accounts whose text this version shows (`articles.signoff`): who created, edited
        (any save, of the version or its parts) or submitted it, and who edited a library source
        it cites. None of them may sign it off, whatever groups they hold."""
        from references.models import Source

        found = [(self.created_by_id, "created this version"), (self.submitted_by_id, "submitted this version")]
        found += [(pk, "edited this version") for pk in self.editors.values_list("pk", flat=True)]
        keys = [key for key in self.references.values_list("key", flat=True) if key]
        for key, editor_id in Source.editors.through.objects.filter(source__key__in=keys).values_list(
            "source__key", "user_id"
        ):
            found.append((editor_id, f"edited the library source [@{key}] this version cites"))
        return [(pk, what) for pk, what in found if pk is not None]

    def own_people(self) -> list[tuple[int, str]]:
        return [(pk, "an author of this version") for pk in self.author_links.values_list("person_id", flat=True)]

    def worked_on_by(self, user) -> bool:
        """The account created, edited or submitted this version or a source it cites, or the byline
        names its person: whatever groups the account holds, it may not review it."""
        if getattr(user, "pk", None) is None:  # nobody, or the site itself (workflow.SYSTEM)
            return False
        if any(pk == user.pk for pk, _ in self.contributions()):
            return True
        return self.author_links.filter(person__user_id=user.pk).exists()

    # --- content -----------------------------------------------------------

    def ordered_authors(self) -> list:
        return [link.person for link in self.author_links.select_related("person").order_by("position", "id")]

    def causes_by_group(self) -> list[tuple]:
        """[(group, [cause, ...]), ...] in group order, A to Z within a group."""
        grouped: dict = {}
        for link in self.cause_links.all():
            grouped.setdefault(link.tag.group, []).append(link.tag)
        return sorted(
            ((group, sorted(causes, key=lambda c: c.name.lower())) for group, causes in grouped.items()),
            key=lambda item: (item[0].position, item[0].name),
        )

    def toc_tree(self) -> list[dict]:
        """The contents list as readers get it: each ### nested under the ## before it
        ([{"id", "text", "children": [...]}]); a ### before any ## stays at the top level."""
        tree: list[dict] = []
        for entry in self.toc or []:
            item = {"id": entry["id"], "text": entry["text"], "children": []}
            if entry.get("level") == 3 and tree and tree[-1]["level"] == 2:
                tree[-1]["children"].append(item)
            else:
                tree.append({**item, "level": entry.get("level", 2)})
        return tree

    def content_snapshot(self) -> dict:
        """Everything a reviewer signs off, as plain data in a fixed order.

        The change note is part of it when there is one (versions signed off before it existed
        have none, so their fingerprints are unchanged)."""
        snapshot = {
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "image_credits": self.image_credits,
            "authors": list(self.author_links.order_by("position", "id").values_list("person_id", flat=True)),
            "causes": [list(cause) for cause in self.cause_links.order_by("tag_id").values_list("tag_id", "tag__name")],
            "references": [ref.snapshot() for ref in self.references.order_by("number")],
            "faq": [
                {"question": q, "answer": a}
                for q, a in self.faq_entries.order_by("position", "id").values_list("question", "answer")
            ],
            **self._images_snapshot(),
            "filed_under": self._filing_snapshot(),
        }
        for name in ("change_note", "search_description", "social_image"):  # absent when empty: older
            if getattr(self, name):  # versions keep their fingerprints
                snapshot[name] = getattr(self, name)
        return snapshot

    def _filing_snapshot(self) -> list:
        """Where readers will find it: the topic's name, the series' name and the part number."""
        article = self.article
        return [article.topic.name, article.series.name if article.series_id else None, article.part_number]

    def _images_snapshot(self) -> dict:
        """Pictures placed (images.VersionImage: file hash, alt text, caption, credit); absent when there are
        none, so versions signed off before pictures keep their fingerprints."""
        images = [link.snapshot() for link in self.image_links.order_by("position")]
        return {"images": images} if images else {}

    @property
    def description_for_sharing(self) -> str:
        """Under the title in search results and link previews: the search description, else the summary."""
        return self.search_description or self.summary

    def shared_picture(self, links: list | None = None):
        """The placed picture (a VersionImage) shown when the page is shared: the chosen one, else the first."""
        links = list(self.image_links.all()) if links is None else links
        return next((link for link in links if link.key == self.social_image), links[0] if links else None)

    def review_snapshot(self) -> dict:
        return self.content_snapshot()

    def compute_fingerprint(self) -> str:
        """SHA-256 of the content snapshot: equal fingerprints mean identical content."""
        return snapshot_fingerprint(self.content_snapshot())


class VersionContent(models.Model):
    """A row that is part of one version's content, frozen with it."""

    class Meta:
        abstract = True

    def _version_id(self) -> int | None:
        return self.version_id

    def _refuse_if_signed_off(self) -> None:
        version_id = self._version_id()
        if version_id and ArticleVersion.objects.filter(pk=version_id, status=ArticleVersion.Status.APPROVED).exists():
            raise ImmutableVersionError(
                f"Version {version_id} is signed off; its {self._meta.verbose_name_plural} cannot change."
            )

    def _refuse_if_moved_off_a_signed_off_version(self) -> None:
        """A saved row re-pointed at another version (`ref.version_id = draft.pk`) leaves its old one."""
        if self.pk is None:
            return
        field = "content_object" if isinstance(self, VersionCause) else "version"
        stored = type(self)._default_manager.filter(pk=self.pk).values_list(f"{field}_id", flat=True).first()
        if stored and stored != self._version_id():
            type(self)(**{f"{field}_id": stored})._refuse_if_signed_off()

    def save(self, *args, **kwargs):
        self._refuse_if_signed_off()
        self._refuse_if_moved_off_a_signed_off_version()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_signed_off()
        return super().delete(*args, **kwargs)


class VersionAuthor(VersionContent):
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="author_links")
    person = models.ForeignKey("articles.Person", on_delete=models.PROTECT, related_name="author_links")
    position = models.PositiveSmallIntegerField(default=0, help_text="Byline order; lowest first.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "author"
        constraints = [
            models.UniqueConstraint(fields=["version", "person"], name="articles_author_once_per_version"),
        ]
        indexes = [models.Index(fields=["person", "-id"], name="articles_author_recent_links")]  # a writer's page

    def __str__(self) -> str:
        return str(self.person)


class VersionCause(VersionContent, TaggedItemBase):
    """Through model: a cause discussed by a version (django-taggit)."""

    content_object = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="cause_links")
    tag = models.ForeignKey(Cause, on_delete=models.PROTECT, related_name="version_links")

    class Meta:
        verbose_name = "cause"
        indexes = [models.Index(fields=["tag", "-id"], name="articles_cause_recent_links")]  # related articles
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="articles_cause_once_per_version"),
        ]

    def _version_id(self) -> int | None:
        return self.content_object_id

    def __str__(self) -> str:
        return str(self.tag)


class Reference(VersionContent):
    class Kind(models.TextChoices):
        JOURNAL = "journal", "Journal article"
        BOOK = "book", "Book"
        WEB = "web", "Web page"
        GUIDELINE = "guideline", "Guideline"

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveSmallIntegerField(
        help_text="Given by order of first citation for library sources; by hand for older versions."
    )
    # Not in the fingerprint: the body fixes it (reference N is the N-th key cited).
    key = models.CharField(
        max_length=60, blank=True, editable=False, help_text="The library key it was cited by, if any."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.JOURNAL)
    authors = models.CharField(max_length=500, blank=True, help_text='Vancouver style: "Miller TM, Layzer RB".')
    title = models.CharField(max_length=500)
    source = models.CharField(max_length=300, blank=True, help_text="Journal, or publisher / website.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    pmid = models.CharField("PMID", max_length=12, blank=True, validators=[validate_pmid])
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    accessed = models.DateField(null=True, blank=True, help_text="For web pages: when the page was read.")

    SNAPSHOT_FIELDS = (
        "number",
        "kind",
        "authors",
        "title",
        "source",
        "year",
        "volume",
        "issue",
        "pages",
        "url",
        "pmid",
        "doi",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="articles_reference_number_unique"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.title}"

    def snapshot(self) -> dict:
        data = {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}
        data["accessed"] = self.accessed.isoformat() if self.accessed else None
        return data

    def citation_html(self) -> str:
        """The reference in one consistent (AMA-like) style, as safe HTML."""
        from references.citations import format_citation

        return format_citation(self)


class FaqEntry(SingleLineFields, VersionContent):
    SINGLE_LINE_FIELDS = ("question",)

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    answer_html = models.TextField(blank=True, editable=False, help_text="Rendered when the version is signed off.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question
