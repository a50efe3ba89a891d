"""What readers write (stories under prompts, reports) and what editors set up for it
(prompts, blocked words). Nothing a reader writes is public until a moderator approved it:
`Story.objects.public()` is the one visibility rule."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.models import Article
from taxonomy.models import Topic

NAME_MAX = 60
STORY_MAX = 3000
STORY_MIN = 10
REPORT_TEXT_MAX = 1000


class Prompt(models.Model):
    """A question readers answer with their stories ("What treatment did you use?")."""

    text = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="default_prompts",
        help_text="Shown on every article of these topics that chooses none itself.",
    )

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


class ArticlePrompt(models.Model):
    """A prompt an editor chose for one article (overrides the topic's defaults)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="prompt_links")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="article_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "prompt"], name="participation_prompt_once_per_article")
        ]

    def __str__(self) -> str:
        return f"{self.prompt} ({self.article.slug})"


class StoryQuerySet(models.QuerySet):
    def public(self):
        """What readers may see: approved by a moderator. (The article page checks the article is live.)"""
        return self.filter(status=Story.Status.APPROVED)

    def awaiting_moderation(self):
        """The moderators' queue: new stories and stories hidden by readers' reports, oldest first."""
        return self.filter(status__in=[Story.Status.PENDING, Story.Status.HIDDEN]).order_by("created_at", "pk")


class Story(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        HIDDEN = "hidden", "Hidden by reports, awaiting moderation"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="stories")
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="stories")
    display_name = models.CharField(max_length=NAME_MAX)
    text = models.TextField(max_length=STORY_MAX)
    email = models.EmailField(
        blank=True, help_text="Never shown to anyone but moderators; used only to contact the writer."
    )
    consent = models.BooleanField(default=False, help_text="The writer agreed to publication.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.CharField(max_length=300, blank=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_story", "Can approve, reject and edit readers' stories")]
        indexes = [models.Index(fields=["article", "prompt", "status", "-created_at"], name="participation_story_list")]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="participation_story_has_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("participation:stories", kwargs={"slug": self.article.slug, "prompt": self.prompt.slug})


class StoryEdit(models.Model):
    """A moderator's change to a story's words, with the reason (append-only)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="edits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Edit of story {self.story_id}: {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Story edits are append-only.")
        super().save(*args, **kwargs)


class BlockedWord(models.Model):
    """A word or phrase that readers' text may not contain (whole words; case and accents ignored)."""

    word = models.CharField(max_length=60, unique=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)


class Report(models.Model):
    """ "Report this": a reader's note about a story or an article page. Reports are never public."""

    class Reason(models.TextChoices):
        INACCURATE = "inaccurate", "Inaccurate"
        OUT_OF_DATE = "out_of_date", "Out of date"
        BROKEN_LINK = "broken_link", "Broken link"
        OFFENSIVE = "offensive", "Offensive"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Dealt with"

    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="reader_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.TextField(max_length=REPORT_TEXT_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=False, article__isnull=True) | Q(story__isnull=True, article__isnull=False),
                name="participation_report_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"story {self.story_id}" if self.story_id else f"article {self.article_id}"
        return f"{self.get_reason_display()}: {target}"
