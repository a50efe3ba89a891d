"""Workflow emails: who is told what, queued with the step and sent by the worker once it commits.

The services call one function per step; each works out the recipients (their linked
account's address, unless their Person opted out), renders a plain-text and an HTML
body from templates/emails/, and links to the exact admin page (absolute, SITE_URL).
A rolled-back step sends nothing (its jobs roll back with it); a mail server that is down never
fails a step: the mails wait in the queue and are sent when it is back (operations/mail.py).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import localtime

from articles.models import Article, ArticleVersion, Person, Review
from operations.mail import queue_mail

if TYPE_CHECKING:
    from articles.queues import DueArticle


def _wants_mail(user) -> bool:
    """An active account with an address, whose person (if any) has not opted out."""
    if user is None or not user.is_active or not user.email:
        return False
    person = Person.objects.filter(user=user).only("email_notifications").first()
    return person is None or person.email_notifications


def _person_address(person: Person | None) -> str:
    if person is None or not person.email_notifications or person.user_id is None:
        return ""
    accounts = get_user_model().objects.filter(pk=person.user_id, is_active=True)
    return accounts.values_list("email", flat=True).first() or ""


def _admin_url(name: str, *args) -> str:
    return settings.SPASMINFO_SITE_URL + reverse(name, args=args)


def _send(
    recipients, subject: str, *, lines: list[str], link: str, link_label: str, items: list[tuple[str, str]] = ()
) -> None:
    """Queue one email to each address: a job written with the step, sent by the worker once it commits.

    `items`: (text, absolute link) pairs shown as a list between the lines and the main link."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return
    context = {
        "subject": subject,
        "lines": lines,
        "items": items,
        "link": link,
        "link_label": link_label,
        "site_name": settings.SPASMINFO_SITE_NAME,
    }
    text = render_to_string("emails/workflow.txt", context)
    html = render_to_string("emails/workflow.html", context)

    for address in addresses:
        message = EmailMultiAlternatives(f"[{settings.SPASMINFO_SITE_NAME}] {subject}", text, None, [address])
        message.attach_alternative(html, "text/html")
        queue_mail(message)


def version_submitted(version: ArticleVersion) -> None:
    """To the assigned reviewer, else every medical reviewer who may sign it off (not an author)."""
    article = version.article
    if article.assigned_reviewer_id:
        reviewers = [article.assigned_reviewer]
    else:
        authors = version.author_links.values("person")
        reviewers = Person.objects.filter(is_medical_reviewer=True).exclude(pk__in=authors)
    _send(
        (_person_address(person) for person in reviewers),
        f"For review: {version.title} (v{version.number})",
        lines=[
            f"Version {version.number} of “{version.title}” was submitted for medical review"
            + (f" by {version.submitted_by}." if version.submitted_by else "."),
            "You can sign it off or send it back with comments.",
        ],
        link=_admin_url("admin:articles_articleversion_review", version.pk),
        link_label="Review this version",
    )


def for_review(item, *, subject: str, lines: list[str], link: str, link_label: str, assigned: Person | None = None):
    """Ask for a sign-off of any reviewed content (`articles.signoff.Reviewable`): to the assigned
    reviewer, else every medical reviewer whose own work it is not; opt-outs respected."""
    if assigned is not None:
        reviewers = [assigned]
    else:
        own = [person_id for person_id, _ in item.own_people()]
        contributors = [user_id for user_id, _ in item.contributions()]
        reviewers = (
            Person.objects.filter(is_medical_reviewer=True).exclude(pk__in=own).exclude(user_id__in=contributors)
        )
    _send((_person_address(person) for person in reviewers), subject, lines=lines, link=link, link_label=link_label)


def text_proposed(obj) -> None:
    """A new proposal of supporting text or classification (`taxonomy.reviewed_text`)."""
    label = f"{obj._meta.verbose_name} “{obj}”"
    for_review(
        obj,
        subject=f"For review: proposed change to {label}",
        lines=[
            f"A change to the {label} was proposed: "
            + ", ".join(str(obj._meta.get_field(name).verbose_name) for name in obj.pending_text)
            + ".",
            "Readers keep the signed-off text until you sign the proposal off; you can also decline it.",
        ],
        link=_admin_url(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_review_text", obj.pk),
        link_label="Review the proposal",
    )


def text_declined(obj, *, proposers: list[int], comment: str) -> None:
    """To every account that proposed or changed a declined proposal, with the reviewer's reason."""
    accounts = get_user_model().objects.filter(pk__in=proposers)
    _send(
        [user.email for user in accounts if _wants_mail(user)],
        f"Declined: proposed change to {obj._meta.verbose_name} “{obj}”",
        lines=[f"A medical reviewer declined the proposed change: “{comment}”", "Readers keep the signed-off text."],
        link=_admin_url(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk),
        link_label="Open it",
    )


def article_reported(article: Article, *, reason: str) -> None:
    """A reader reported a problem with an article that had no open report: it joins the reviewers' inbox."""
    version = article.live_version
    for_review(
        version,
        subject=f"Reported by a reader: {version.title}",
        lines=[f"A reader reported “{version.title}” as {reason.lower()}.", "Re-review it, or start a new draft."],
        link=_rereview_url(article),
        link_label="Read the report and re-review",
        assigned=article.assigned_reviewer,
    )


def _submitter(version: ArticleVersion):
    return version.submitted_by or version.created_by


def version_sent_back(version: ArticleVersion, review: Review) -> None:
    user = _submitter(version)
    _send(
        [user.email] if _wants_mail(user) else [],
        f"Sent back: {version.title} (v{version.number})",
        lines=[
            f"{review.reviewer.byline} sent version {version.number} of “{version.title}” back with this comment:",
            review.comment,
        ],
        link=_admin_url("admin:articles_articleversion_change", version.pk),
        link_label="Open the version",
    )


def version_signed_off(version: ArticleVersion, review: Review, *, go_live_at=None) -> None:
    user = _submitter(version)
    when = f"It goes live at {localtime(go_live_at):%Y-%m-%d %H:%M %Z}." if go_live_at else "It is now live."
    _send(
        [user.email] if _wants_mail(user) else [],
        f"Signed off: {version.title} (v{version.number})",
        lines=[f"{review.reviewer.byline} signed off version {version.number} of “{version.title}”.", when],
        link=_admin_url("admin:articles_article_change", version.article_id),
        link_label="Open the article",
    )


def version_went_live(version: ArticleVersion) -> None:
    """A scheduled version reached its go-live time (publish_due)."""
    user = _submitter(version)
    _send(
        [user.email] if _wants_mail(user) else [],
        f"Now live: {version.title} (v{version.number})",
        lines=[f"Version {version.number} of “{version.title}” went live as scheduled."],
        link=_admin_url("admin:articles_article_change", version.article_id),
        link_label="Open the article",
    )


def reviewer_assigned(article: Article, reviewer: Person, by) -> None:
    _send(
        [_person_address(reviewer)],
        f"Assigned to you: {article.current_title()}",
        lines=[
            f"“{article.current_title()}” was assigned to you"
            + (f" by {by}" if isinstance(by, get_user_model()) else "")
            + ": only you can sign off its versions."
        ],
        link=_admin_url("admin:articles_article_change", article.pk),
        link_label="Open the article",
    )


def article_taken_down(article: Article, version: ArticleVersion, *, reason: str, by) -> None:
    """To the editor who submitted the version taken down and the reviewer who last signed it off."""
    user = _submitter(version)
    actor = by if isinstance(by, get_user_model()) else None
    editors = [user.email] if _wants_mail(user) and user != actor else []
    reviewer = article.last_reviewed_by
    reviewers = [_person_address(reviewer)] if reviewer and (actor is None or reviewer.user_id != actor.pk) else []
    _send(
        [*editors, *reviewers],
        f"Taken down: {version.title}",
        lines=[
            f"“{version.title}” was withdrawn for medical review" + (f" by {actor}" if actor else "") + ". "
            "Readers get a “withdrawn for medical review” page at its address.",
            f"Reason: {reason}",
            "To bring it back, start a new draft from the article, submit it, and have it signed off.",
        ],
        link=_admin_url("admin:articles_article_change", article.pk),
        link_label="Open the article",
    )


def opted_out(person: Person | None) -> bool:
    return person is not None and not person.email_notifications


def review_due_digest(reviewer: Person, *, overdue: list["DueArticle"], due_soon: list["DueArticle"]) -> bool:
    """The weekly list of a reviewer's articles due soon and overdue, each linked to its re-review
    page. False (nothing sent) when they opted out or have no active account with an address."""
    address = _person_address(reviewer)
    if not address:
        return False
    items = [(f"OVERDUE since {a.next_review_due}: {a.title}", _rereview_url(a)) for a in overdue] + [
        (f"due {a.next_review_due}: {a.title}", _rereview_url(a)) for a in due_soon
    ]
    _send(
        [address],
        f"{len(items)} article(s) due for medical review ({len(overdue)} overdue)",
        lines=[f"Hello {reviewer.name},", "These articles are due for your medical review:"],
        items=items,
        link=_admin_url("admin:index"),
        link_label="Open your review queues",
    )
    return True


def _rereview_url(article) -> str:
    return _admin_url("admin:articles_article_rereview", article.pk)


def to_accounts(users, subject: str, *, lines: list[str], link: str, link_label: str) -> None:
    """A workflow email to each of `users` who wants mail, after commit: for the steps of apps above this
    one (review comments). `link`: an admin path, made absolute here."""
    _send(
        [user.email for user in users if _wants_mail(user)],
        subject,
        lines=lines,
        link=settings.SPASMINFO_SITE_URL + link,
        link_label=link_label,
    )
