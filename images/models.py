"""Pictures for articles: uploaded once, never changed, placed in a body as ![[image:KEY]].

`Image` is the picture library. Its file (the re-encoded, metadata-free
upload) and renditions are stored under the file's SHA-256 and never replaced:
a new picture is a new Image. Alt text, caption and credit may be corrected in
the library; a version keeps its own copy of them (`VersionImage`), frozen with
the version and part of its fingerprint together with the file's hash.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models

from articles.models.versions import ArticleVersion, VersionContent
from references.validators import validate_key


class Image(models.Model):
    key = models.CharField(
        max_length=60,
        unique=True,
        validators=[validate_key],
        help_text="Place it in a body on a line of its own as ![[image:KEY]].",
    )
    file = models.CharField(max_length=200, editable=False, help_text="Storage path of the stripped original.")
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=4, editable=False)
    # [{"format": "WEBP", "width": 640, "height": 427, "path": "images/ab/<sha>/640.webp"}, ...]
    renditions = models.JSONField(default=list, editable=False)
    alt_text = models.CharField(
        max_length=300, blank=True, help_text="What the picture shows, for people who cannot see it."
    )
    decorative = models.BooleanField(
        default=False, help_text="Tick only if the picture adds nothing to the text: it then gets empty alt text."
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text='Shown in the image credits, e.g. "Photo: A. Lee".')
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def clean(self):
        super().clean()
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError(
                {"alt_text": "Describe the picture, or tick “decorative” if it adds nothing to the text."}
            )
        if self.decorative and self.alt_text.strip():
            raise ValidationError({"alt_text": "A decorative picture has no alt text: clear it, or untick decorative."})

    def rendition_set(self, kind: str) -> list[dict]:
        return sorted((r for r in self.renditions if r["format"] == kind), key=lambda r: r["width"])

    def url(self, path: str) -> str:
        return default_storage.url(path)


class VersionImage(VersionContent):
    """A picture a version shows, with the words shown around it, frozen with the version."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="image_links")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="version_links")
    position = models.PositiveSmallIntegerField(help_text="Order of first placement in the text.")
    key = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    alt_text = models.CharField(max_length=300, blank=True)
    decorative = models.BooleanField(default=False)
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)

    SNAPSHOT_FIELDS = ("key", "sha256", "alt_text", "decorative", "caption", "credit")

    class Meta:
        ordering = ["position"]
        verbose_name = "image"
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="images_position_once_per_version"),
        ]

    def __str__(self) -> str:
        return self.key

    def snapshot(self) -> dict:
        return {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}
