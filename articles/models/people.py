from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.validators import validate_http_url


class Person(models.Model):
    """Someone named on a page: an author, a medical reviewer, or both."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    credentials = models.CharField(max_length=120, blank=True, help_text='Post-nominals, e.g. "MD, FACEP, FAAEM".')
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="people/", blank=True)
    profile_url = models.URLField(blank=True, validators=[validate_http_url])
    is_medical_reviewer = models.BooleanField(
        default=False,
        help_text="Qualified to sign off articles. A reviewer never signs off a version they authored.",
    )
    is_fictional = models.BooleanField(
        default=False,
        editable=False,
        help_text="A made-up person from the demo content (set by load_content); their page says so.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The account this person signs in with, if any.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:person_detail", kwargs={"slug": self.slug})
