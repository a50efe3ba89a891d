"""Editorial workflow: every multi-step write an article goes through.

The admin, management commands and tests all call these functions; each is
atomic and checks its own rules, so a rule holds whatever the caller.

    create_article ──> draft ──submit_version──> submitted ──approve_version──> signed off ──> live
                         ^  \\                       │  \\                              (now, or at go_live_at
                         │   └──────withdraw────────┘   └─send_back_version─> sent back   via publish_due)
        start_draft (copies the live version) ─────────────────────────────────────^

    re_review_live_version: a reviewer confirms the live version still stands (new approval, new dates)
    publish_due: the scheduler's go-lives and archivings

Every step is recorded as an ArticleEvent (the article's timeline). `user` is who acts:
the signed-in account, or `SYSTEM` for the site itself (the importer, the scheduler, a
command, a test that means it), which holds every permission and is recorded as no
account. Nobody (None) is refused.

The article's life beside its versions (take-down, archiving, assignment, review
intervals) is lifecycle.py; the vocabulary both speak (SYSTEM, require, record, the
errors) is workflow.py.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import citing, diffing, notifications, signals, signoff
from articles.derived import freeze_derived_content
from articles.models import (
    Article,
    ArticleEvent,
    ArticleVersion,
    FaqEntry,
    Person,
    Reference,
    Review,
    VersionAuthor,
    VersionCause,
)
from articles.workflow import (
    EDIT_PERMISSION,
    SYSTEM,
    Actor,
    IncompleteVersion,
    NotAllowed,
    WorkflowError,
    account,
    lock_article,
    record,
    require,
)
from images.models import VersionImage
from images.usage import image_problems, sync_images
from operations.text import control_characters
from references.keys import cited_numbers

Status = ArticleVersion.Status
Event = ArticleEvent.Kind


def _lock(version: ArticleVersion) -> ArticleVersion:
    """Re-read the version under a row lock, so concurrent steps queue up."""
    return ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)


def _review(
    version: ArticleVersion,
    outcome: str,
    reviewer: Person,
    *,
    user: Actor,
    comment: str,
    fingerprint: str,
    at: datetime.datetime | None = None,
    content_shown: dict | None = None,
) -> Review:
    """The reviewer's decision on exactly the content with `fingerprint` (append-only)."""
    return Review.objects.create(
        version=version,
        outcome=outcome,
        reviewer=reviewer,
        user=account(user),
        comment=comment,
        fingerprint=fingerprint,
        content_shown=content_shown,
        created_at=at or timezone.now(),
    )


def _worked_on(version: ArticleVersion, user: Actor) -> None:
    """Remember that `user` created, edited or submitted `version`: it may never review it."""
    editor = account(user)
    if editor is not None and editor.pk is not None:
        version.editors.add(editor)


@transaction.atomic
def create_article(
    *,
    article: Article,
    title: str,
    user: Actor,
    summary: str = "",
    at: datetime.datetime | None = None,
) -> ArticleVersion:
    """Save a new (unsaved) article and give it an empty first draft.

    `at` dates the creation for imported history (load_content); otherwise now.
    """
    require(user, "articles.add_article", "create articles")
    if article.pk is not None:
        raise WorkflowError("This article already exists.")
    article.created_by = account(user)
    article.save()
    version = ArticleVersion.objects.create(
        article=article, number=1, title=title, summary=summary, created_by=account(user)
    )
    _worked_on(version, user)
    if at is not None:  # auto_now_add fields: date the rows as the history says
        Article.objects.filter(pk=article.pk).update(created_at=at)
        ArticleVersion.objects.filter(pk=version.pk).update(created_at=at)
    record(article, Event.CREATED, user=user, version=version, comment="Created with a first draft.", at=at)
    return version


def _copy_content(source: ArticleVersion, target: ArticleVersion) -> None:
    VersionAuthor.objects.bulk_create(
        VersionAuthor(version=target, person_id=link.person_id, position=link.position)
        for link in source.author_links.all()
    )
    VersionCause.objects.bulk_create(
        VersionCause(content_object=target, tag_id=link.tag_id) for link in source.cause_links.all()
    )
    Reference.objects.bulk_create(
        Reference(
            version=target,
            **{f: getattr(ref, f) for f in Reference.SNAPSHOT_FIELDS},
            key=ref.key,
            accessed=ref.accessed,
        )
        for ref in source.references.all()
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(version=target, question=e.question, answer=e.answer, position=e.position)
        for e in source.faq_entries.all()
    )
    VersionImage.objects.bulk_create(
        VersionImage(version=target, image_id=link.image_id, position=link.position, **link.snapshot())
        for link in source.image_links.all()
    )


@transaction.atomic
def start_draft(
    *, article: Article, user: Actor, from_version: ArticleVersion | None = None, at: datetime.datetime | None = None
) -> ArticleVersion:
    """The article's open version; if it has none, a new draft copied from the live
    (or latest) version with its authors, causes, references, FAQ and pictures.

    `from_version`: roll back, copying an earlier signed-off version of the article instead
    (refused while another version is open). The draft goes through review like any other.
    Readers keep seeing the live version until the new draft is signed off.
    `at` dates a new draft for imported history (load_content); otherwise now.
    """
    require(user, EDIT_PERMISSION, "edit articles")
    article = lock_article(article.pk)
    existing = article.open_version()
    if from_version is not None:
        if from_version.article_id != article.pk or not from_version.is_signed_off:
            raise WorkflowError("A draft can only be started from a signed-off version of the same article.")
        if existing is not None:
            raise WorkflowError(
                f"Version {existing.number} is open ({existing.get_status_display().lower()}): submit, withdraw or "
                f"delete it before starting a draft from version {from_version.number}."
            )
    if existing is not None:
        return existing
    source = (
        from_version
        or article.scheduled_version
        or article.live_version
        or article.versions.order_by("-number").first()
    )
    latest_number = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = ArticleVersion.objects.create(
        article=article,
        number=latest_number + 1,
        based_on=source,
        title=source.title if source else "",
        summary=source.summary if source else "",
        body=source.body if source else "",
        image_credits=source.image_credits if source else "",
        search_description=source.search_description if source else "",
        social_image=source.social_image if source else "",
        created_by=account(user),
    )
    _worked_on(draft, user)
    if source is not None:
        _copy_content(source, draft)
        citing.move_to_library(draft)  # a version from before the source library: cite by key from now on
    record(
        article,
        Event.CREATED,
        user=user,
        version=draft,
        comment=(
            f"Version {draft.number} started from version {source.number}"
            + (" (an earlier signed-off version: rollback)." if from_version is not None else ".")
            if source
            else ""
        ),
        at=at,
    )
    if at is not None:
        ArticleVersion.objects.filter(pk=draft.pk).update(created_at=at)
    return draft


def readiness_problems(version: ArticleVersion) -> list[str]:
    """What must be fixed before a reviewer can be asked to sign the version off."""
    problems = []
    if not version.title.strip():
        problems.append("it needs a title")
    if not version.summary.strip():
        problems.append("it needs a summary")
    if not version.body.strip():
        problems.append("it needs a body")
    for name in version.SINGLE_LINE_FIELDS:  # however the text got there (an import, an add form, SQL)
        if control_characters(getattr(version, name)):
            problems.append(f"its {version._meta.get_field(name).verbose_name} must be on one line")
    if not version.author_links.exists():
        problems.append("it needs at least one author")
    if not version.change_note.strip() and version.has_signed_off_predecessor():
        problems.append("say what changed (one line for readers' Review history): an earlier version was signed off")
    numbers = list(version.references.order_by("number").values_list("number", flat=True))
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"references must be numbered 1 to {len(numbers)} without gaps (found {numbers})")
    problems.extend(image_problems(version))
    if version.social_image and version.social_image not in version.image_links.values_list("key", flat=True):
        problems.append(f"the social image “{version.social_image}” is not a picture placed in the body")
    if citing.uses_library(version):
        problems.extend(citing.cited_references(version)[1].errors)
        return problems
    texts = [version.body, *version.faq_entries.values_list("answer", flat=True)]
    missing = sorted({n for text in texts for n in cited_numbers(text)} - set(numbers))
    if missing:
        problems.append("the text cites reference " + ", ".join(f"[{n}]" for n in missing) + " which does not exist")
    return problems


@transaction.atomic
def submit_version(*, version: ArticleVersion, user: Actor, at: datetime.datetime | None = None) -> ArticleVersion:
    """Send a draft (or a sent-back version) to the medical reviewers, fingerprinting it.

    `at` dates the submission for imported history (load_content); otherwise now.
    """
    require(user, EDIT_PERMISSION, "submit articles for review")
    version = _lock(version)
    if not version.is_editable:
        raise WorkflowError(
            f"Only a draft or a sent-back version can be submitted; this one is {version.get_status_display().lower()}."
        )
    citing.sync_references(version)  # the libraries as they are now; frozen from here on
    sync_images(version)
    problems = readiness_problems(version)
    if problems:
        raise IncompleteVersion(problems)
    version.status = Status.SUBMITTED
    version.submitted_at = at or timezone.now()
    version.submitted_by = account(user)
    version.submitted_fingerprint = version.compute_fingerprint()
    version.save()
    _worked_on(version, user)
    record(version.article, Event.SUBMITTED, user=user, version=version, at=version.submitted_at)
    if at is None:  # imported history (load_content) is not news
        notifications.version_submitted(version)
    return version


@transaction.atomic
def withdraw_version(*, version: ArticleVersion, user: Actor) -> ArticleVersion:
    """Take a submitted version back to draft so it can be edited again."""
    require(user, EDIT_PERMISSION, "withdraw versions")
    version = _lock(version)
    if version.status != Status.SUBMITTED:
        raise WorkflowError("Only a version awaiting review can be withdrawn.")
    version.status = Status.DRAFT
    version.submitted_fingerprint = ""
    version.save()
    record(version.article, Event.WITHDRAWN, user=user, version=version)
    return version


def _check_reviewer(version: ArticleVersion, reviewer: Person, user: Actor) -> None:
    """The one sign-off rule (`articles.signoff`), plus the article's own: an assigned reviewer."""
    signoff.require_may_sign(version, user=user, reviewer=reviewer)
    assigned = version.article.assigned_reviewer
    if assigned is not None and assigned != reviewer:
        raise NotAllowed(f"This article is assigned to {assigned.name}; only they can review it.")


def sign_off_refusal(version: ArticleVersion, reviewer: Person | None, user: Actor) -> str:
    """Why `user`, signing as `reviewer`, may not sign off or send back `version` ("" if they may).

    The same rule the services enforce (`_check_reviewer`): pages use it to offer the
    sign-off only to someone the server would accept.
    """
    if version.status != Status.SUBMITTED:
        return f"Only a version awaiting review can be signed off; this one is {version.get_status_display().lower()}."
    if reviewer is None:
        return "Your account is not linked to a person profile, so you cannot sign off."
    try:
        _check_reviewer(version, reviewer, user)
    except NotAllowed as refused:
        return str(refused)
    return ""


@transaction.atomic
def approve_version(
    *,
    version: ArticleVersion,
    reviewer: Person,
    seen_fingerprint: str,
    user: Actor,
    comment: str = "",
    at: datetime.datetime | None = None,
    go_live_at: datetime.datetime | None = None,
) -> Review:
    """Sign off exactly the content the reviewer saw; it goes live now, or at `go_live_at`.

    `user` is the signed-in account, which must belong to `reviewer` (SYSTEM only for
    imported history). `seen_fingerprint` is the fingerprint of the content
    shown to the reviewer: if the version changed since, nothing is approved.
    """
    version = _lock(version)
    article = lock_article(version.article_id)
    _check_reviewer(version, reviewer, user)
    signoff.require_no_blockers(version)  # e.g. an open clinical review comment
    if version.status != Status.SUBMITTED:
        raise WorkflowError(
            f"Only a version awaiting review can be signed off; this one is {version.get_status_display().lower()}."
        )
    fingerprint = signoff.require_unchanged(version, seen=seen_fingerprint, submitted=version.submitted_fingerprint)
    imported = at is not None  # load_content dates history; it is not news
    at = at or timezone.now()

    freeze_derived_content(version)
    version.status = Status.APPROVED
    version.save()

    review = _review(
        version, Review.Outcome.APPROVED, reviewer, user=user, comment=comment, fingerprint=fingerprint, at=at
    )
    record(
        article,
        Event.APPROVED,
        user=user,
        version=version,
        comment=comment or f"Signed off by {reviewer.byline}.",
        at=at,
    )
    if go_live_at is not None and go_live_at > timezone.now():
        article.scheduled_version = version
        article.publish_at = go_live_at
        article.save(update_fields=["scheduled_version", "publish_at"])
        record(
            article,
            Event.SCHEDULED,
            user=user,
            version=version,
            comment=f"To go live at {go_live_at:%Y-%m-%d %H:%M %Z}.",
        )
    else:
        _make_live(article, version, review, user=user, at=at)
    if not imported:
        notifications.version_signed_off(version, review, go_live_at=article.publish_at)
    return review


def _make_live(
    article: Article, version: ArticleVersion, review: Review, *, user: Actor, at: datetime.datetime
) -> None:
    """Point readers at `version`; its sign-off becomes the article's last review."""
    article.live_version = version
    article.taken_down_at = None  # a new sign-off is what brings a taken-down article back
    article.first_published_at = article.first_published_at or at
    article.last_reviewed_at = review.created_at
    article.last_reviewed_by = review.reviewer
    if article.scheduled_version_id is not None and article.scheduled_version.number <= version.number:
        article.scheduled_version = None  # superseded, or this very version
        article.publish_at = None
    article.save()
    record(article, Event.WENT_LIVE, user=user, version=version, at=at)
    signals.article_decided.send(
        sender=Article, article=article, user=user, decision="replaced", comment=f"Version {version.number} went live."
    )


@transaction.atomic
def re_review_live_version(
    *,
    article: Article,
    reviewer: Person,
    seen_fingerprint: str,
    user: Actor,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Review:
    """A periodic review with no edit: the reviewer confirms the live version still stands.

    Records a new approval of the same version and moves "reviewed on" and
    "next review due"; the version itself does not change.
    """
    article = lock_article(article.pk)
    version = article.live_version
    if version is None:
        raise WorkflowError("This article has no live version to re-review.")
    _check_reviewer(version, reviewer, user)
    signoff.require_unchanged(version, seen=seen_fingerprint)
    at = at or timezone.now()
    review = _review(
        version, Review.Outcome.CONFIRMED, reviewer, user=user, comment=comment, fingerprint=seen_fingerprint, at=at
    )
    article.last_reviewed_at = at
    article.last_reviewed_by = reviewer
    article.save()
    record(article, Event.RE_REVIEWED, user=user, version=version, comment=comment, at=at)
    signals.article_decided.send(sender=Article, article=article, user=user, decision="confirmed", comment=comment)
    return review


@transaction.atomic
def send_back_version(
    *,
    version: ArticleVersion,
    reviewer: Person,
    comment: str,
    user: Actor,
    seen_fingerprint: str = "",
) -> Review:
    """Return a submitted version to its editors with the reviewer's comments."""
    version = _lock(version)
    _check_reviewer(version, reviewer, user)
    if version.status != Status.SUBMITTED:
        raise WorkflowError("Only a version awaiting review can be sent back.")
    comment = signoff.require_comment(comment)
    review = _review(
        version,
        Review.Outcome.SENT_BACK,
        reviewer,
        user=user,
        comment=comment.strip(),
        fingerprint=seen_fingerprint or version.submitted_fingerprint,
        content_shown=diffing.comparable(version),
    )
    version.status = Status.SENT_BACK
    version.save()
    record(version.article, Event.SENT_BACK, user=user, version=version, comment=review.comment)
    notifications.version_sent_back(version, review)
    return review


# --- the scheduler ----------------------------------------------------------------------------


def publish_due(*, now: datetime.datetime | None = None) -> dict[str, list[str]]:
    """Carry out every go-live and archive whose time has come. Idempotent.

    Each article is handled in its own transaction under a row lock, skipping rows
    another run holds, so overlapping runs (cron every minute) never double up.
    Returns the slugs published and archived.
    """
    now = now or timezone.now()
    done: dict[str, list[str]] = {"published": [], "archived": []}
    due_ids = Article.objects.filter(
        Q(scheduled_version__isnull=False, publish_at__lte=now) | Q(archive_at__lte=now, archived_at__isnull=True)
    ).values_list("pk", flat=True)
    for article_id in list(due_ids):
        with transaction.atomic():
            article = Article.objects.select_for_update(skip_locked=True).filter(pk=article_id).first()
            if article is None:
                continue
            if article.scheduled_version_id and article.publish_at and article.publish_at <= now:
                version = article.scheduled_version
                review = version.reviews.filter(outcome=Review.Outcome.APPROVED).latest()
                _make_live(article, version, review, user=SYSTEM, at=now)
                notifications.version_went_live(version)
                done["published"].append(article.slug)
            if article.archive_at and article.archive_at <= now and article.archived_at is None:
                article.archived_at = now
                article.archive_at = None
                article.save(update_fields=["archived_at", "archive_at"])
                record(article, Event.ARCHIVED, user=SYSTEM, comment="Archived as scheduled.", at=now)
                done["archived"].append(article.slug)
    return done
