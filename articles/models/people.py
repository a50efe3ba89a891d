from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from references.validators import validate_http_url
from taxonomy.reviewed_text import ReviewedText


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People a live article names (in its byline, or as its reviewer): the only ones any
        public page shows."""
        from articles.models import Article

        live = Article.objects.live()
        return self.filter(
            Exists(live.filter(live_version__author_links__person=OuterRef("pk")))
            | Exists(live.filter(last_reviewed_by=OuterRef("pk")))
        )


class Person(ReviewedText):
    """Someone named on a page: an author, a medical reviewer, or both.

    Name, credentials, bio and profile link are what readers are told about the person:
    they change through a reviewer's sign-off (`taxonomy.reviewed_text`).
    """

    REVIEWED_FIELDS = ("name", "credentials", "bio", "profile_url")
    SET_ON_CREATION = ("name",)

    def own_people(self) -> list[tuple[int, str]]:
        """Text about a person is never signed off by that person."""
        return [(self.pk, "the person this text describes")]

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
    email_notifications = models.BooleanField(
        default=True,
        verbose_name="email me about reviews",
        help_text="Workflow emails (submitted, sent back, signed off, assigned) go to the linked account's address. "
        "Untick to receive none.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The account this person signs in with, if any.",
    )
    # The account a superuser confirmed this person signs in with. Sign-off needs it to equal
    # `user`: a link changed by any route (admin, shell, import) signs nothing until confirmed.
    signing_confirmed_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        permissions = [
            ("manage_signers", "Can link people to accounts and set medical reviewer status"),
        ]

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def account_link_confirmed(self) -> bool:
        """A superuser confirmed that this person signs in with the account now linked."""
        return self.user_id is not None and self.user_id == self.signing_confirmed_user_id

    def get_absolute_url(self) -> str:
        return reverse("articles:person_detail", kwargs={"slug": self.slug})
