"""What readers write (stories under prompts, reports) and what editors set up for it
(prompts, blocked words). Nothing a reader writes is public until a moderator approved it:
`Story.objects.public()` is the one visibility rule."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.fingerprint import snapshot_fingerprint
from articles.models import Article, Person
from articles.models.history import AppendOnlyError
from articles.models.versions import ImmutableVersionError
from operations.text import SingleLineFields
from taxonomy.models import Cause, Topic

NAME_MAX = 60
STORY_MAX = 3000
STORY_MIN = 10
REPORT_TEXT_MAX = 1000
QUESTION_MAX = 120
ANSWER_MAX = 5000


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
    """A moderator's change to a story's words, with the reason (append-only, in the database too:
    participation/immutability.py). Deleting the story deletes its edits, in the database."""

    story = models.ForeignKey(Story, on_delete=models.DO_NOTHING, related_name="edits")
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
            raise AppendOnlyError("Story edits are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Story edits are append-only; they go when their story is deleted.")


class UsedFormToken(models.Model):
    """A readers' form timestamp (participation.guard) that was spent: its SHA-256, kept until the
    timestamp is too old to be accepted anyway. A post carrying it again is refused."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]


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
    question = models.ForeignKey(
        "Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        help_text="The question or its answer.",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.TextField(max_length=REPORT_TEXT_MAX, blank=True)
    reporter = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Who reported, as a keyed hash of their network address (participation.reports.reporter_of); "
        "never the address itself.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(
        max_length=300, blank=True, help_text="The decision that closed it (a re-review, a new version, a take-down)."
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=False, article__isnull=True, question__isnull=True)
                | Q(story__isnull=True, article__isnull=False, question__isnull=True)
                | Q(story__isnull=True, article__isnull=True, question__isnull=False),
                name="participation_report_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        if self.question_id:
            return f"{self.get_reason_display()}: question {self.question_id}"
        target = f"story {self.story_id}" if self.story_id else f"article {self.article_id}"
        return f"{self.get_reason_display()}: {target}"


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """Readers see a question only once it was accepted and its answer signed off by a medical reviewer."""
        return self.filter(status=Question.Status.ACCEPTED, live_answer__status=AnswerVersion.Status.APPROVED)


class Question(SingleLineFields, models.Model):
    """A reader's question ("Ask your question", 120 characters). Private until an editor accepts it
    and a medical reviewer signs off its answer."""

    SINGLE_LINE_FIELDS = ("text", "decline_reason")

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    text = models.CharField(max_length=QUESTION_MAX)
    email = models.EmailField(blank=True, help_text="Never shown; used only to tell the reader it was answered.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    slug = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions")
    causes = models.ManyToManyField(Cause, blank=True, related_name="questions")
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        help_text="Read the full article",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)
    live_answer = models.OneToOneField(
        "AnswerVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="live_for"
    )
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("participation:question_detail", kwargs={"slug": self.slug})


class AnswerVersion(models.Model):
    """One version of an answer, through the same sign-off as an article: draft, submitted
    (fingerprinted, read-only), signed off by a medical reviewer (immutable) or sent back."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting review"
        APPROVED = "approved", "Signed off"
        SENT_BACK = "sent_back", "Sent back"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveIntegerField(default=1)
    answerer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="answers", help_text="The expert whose answer this is (shown)."
    )
    body = models.TextField(max_length=ANSWER_MAX, help_text="Plain text; blank lines make paragraphs.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_fingerprint = models.CharField(max_length=64, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Every account that created, saved or submitted the answer, kept for good: none may sign it off.
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False)

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="participation_answer_number_once"),
        ]

    def __str__(self) -> str:
        return f"Answer v{self.number} to “{self.question.text}”"

    def review_snapshot(self) -> dict:
        """Everything the reader will see of this answer: the question, the body, the answerer."""
        return {
            "question": self.question.text,
            "body": self.body,
            "answerer": [self.answerer_id, self.answerer.name, self.answerer.credentials],
        }

    def contributions(self) -> list[tuple[int, str]]:
        found = [(self.created_by_id, "created this answer"), (self.submitted_by_id, "submitted this answer")]
        found += [(pk, "edited this answer") for pk in self.editors.values_list("pk", flat=True)]
        return [(pk, what) for pk, what in found if pk is not None]

    def own_people(self) -> list[tuple[int, str]]:
        return [(self.answerer_id, "the expert who gave this answer")]

    def compute_fingerprint(self) -> str:
        return snapshot_fingerprint(self.review_snapshot())

    def _signed_in_database(self) -> bool:
        return self.pk is not None and AnswerVersion.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists()

    def save(self, *args, **kwargs):
        if self._signed_in_database():
            raise ImmutableVersionError("A signed-off answer cannot be changed; start a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._signed_in_database():
            raise ImmutableVersionError("A signed-off answer cannot be deleted.")
        return super().delete(*args, **kwargs)


class AnswerReview(models.Model):
    """A medical reviewer's decision on an answer version (append-only), with the fingerprint shown."""

    version = models.ForeignKey(AnswerVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="answer_reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=10, choices=[("approved", "Signed off"), ("sent_back", "Sent back")])
    fingerprint = models.CharField(max_length=64)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.reviewer}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Answer reviews are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Answer reviews are append-only.")


class QuestionVote(models.Model):
    """ "Was this helpful?" on an answered question: one per browser (the helpful-vote cookie's HMAC)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64, editable=False)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "voter"], name="participation_one_vote_per_browser_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{'Helpful' if self.helpful else 'Not helpful'}: question {self.question_id}"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """ "Email updates": new and newly reviewed articles, for a topic or the whole site (topic
    empty). Double opt-in: nothing is sent but the confirmation until the reader confirms.
    The address is kept only for this."""

    email = models.EmailField()
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions")
    nonce = models.CharField(max_length=32, help_text="Part of the signed confirm/unsubscribe links.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "topic"], name="participation_one_subscription_per_topic"),
            models.UniqueConstraint(
                fields=["email"], condition=Q(topic__isnull=True), name="participation_one_site_subscription"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.topic.name if self.topic_id else 'whole site'}"
