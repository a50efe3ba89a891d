""" "Report this": readers' reports on stories and article pages, and what they set off.

- A report on a story goes to the moderators; when the open reports of a story come from
  SPASMINFO_REPORTS_TO_HIDE different readers it is hidden (off every page) until a moderator
  decides again. A reader is their network address (`reporter_of`), which they cannot change as
  cheaply as a cookie or a browser: the address the rate limits count (RATELIMIT_IP_META_KEY
  behind a proxy), an IPv6 address by its /64 network (RATELIMIT_IPV6_MASK), kept only as a keyed
  hash. Repeated reports from one reader are kept for the moderators but count once.
- A report on an article puts it in the medical reviewers' queue "Reported by readers"
  (articles.queues.reported_by_readers), so a report can start an early review.
- A moderator's decision on a story closes its open reports; reviewers and editors close
  article reports (admin action).
"""

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_ratelimit.core import _get_ip

from articles import notifications
from articles.workflow import Actor, account, require
from participation import moderation
from participation.models import Report, Story


def reporter_of(request) -> str:
    """The reader behind a request, as a keyed hash (SECRET_KEY) of their network address: the
    address django-ratelimit counts, so the same proxy setting and IPv6 /64 grouping apply."""
    return salted_hmac("participation.reports.reporter", _get_ip(request), algorithm="sha256").hexdigest()


def distinct_reporters(story: Story) -> int:
    """How many different readers have an open report on the story."""
    return Report.objects.open().filter(story=story).values("reporter").distinct().count()


@transaction.atomic
def report_story(*, story: Story, reason: str, text: str = "", reporter: str = "") -> Report:
    report = Report.objects.create(story=story, reason=reason, text=text, reporter=reporter)
    if distinct_reporters(story) >= settings.SPASMINFO_REPORTS_TO_HIDE:
        moderation.hide_story(story=story)
    return report


def report_article(*, article, reason: str, text: str = "", reporter: str = "") -> Report:
    """Record a reader's report; the first open one puts the article in the reviewers' inbox (and mail)."""
    first = not Report.objects.open().filter(article=article).exists()
    report = Report.objects.create(article=article, reason=reason, text=text, reporter=reporter)
    if first and article.live_version_id:
        notifications.article_reported(article, reason=report.get_reason_display())
    return report


def close_reports(*, reports, user: Actor) -> int:
    """Mark reports dealt with: story reports by moderators, article reports by editors or reviewers."""
    reports = list(reports)
    for report in reports:
        if report.story_id:
            require(user, moderation.PERMISSION, "deal with reports on stories")
        elif user is None or not user.has_perm("articles.change_article"):
            require(user, "articles.sign_off_articleversion", "deal with reports on articles")
    return Report.objects.filter(pk__in=[r.pk for r in reports], status=Report.Status.OPEN).update(
        status=Report.Status.DONE, handled_by=account(user)
    )


def close_story_reports(stories, user: Actor) -> None:
    """A moderator decided on these stories: their open reports are dealt with."""
    Report.objects.open().filter(story__in=[s.pk for s in stories]).update(
        status=Report.Status.DONE, handled_by=account(user)
    )


def report_question(*, question, reason: str, text: str = "", reporter: str = "") -> Report:
    """A report on an answered question or its answer: editors and reviewers see it (medical content)."""
    return Report.objects.create(question=question, reason=reason, text=text, reporter=reporter)


DECISIONS = {
    "confirmed": "Confirmed still accurate by a medical reviewer",
    "replaced": "A new signed-off version went live",
    "taken_down": "Taken down for medical review",
}


def close_reports_by_decision(*, article, user, decision: str, comment: str = "", **kwargs) -> int:
    """A reviewer decided on the article (`articles.signals.article_decided`): its open readers'
    reports are dealt with by that decision, which they record."""
    resolution = DECISIONS.get(decision, decision) + (f": {comment}" if comment else ".")
    return (
        Report.objects.open()
        .filter(article=article)
        .update(status=Report.Status.DONE, handled_by=account(user), resolution=resolution[:300])
    )


def open_problems_of(article) -> list[str]:
    """Readers' open reports on the article, for the re-review page (reason, date, their words)."""
    return [
        f"Reported by a reader as {report.get_reason_display().lower()} on {report.created_at:%d %b %Y}"
        + (f": “{report.text}”" if report.text else ".")
        for report in Report.objects.open().filter(article=article).order_by("created_at", "pk")
    ]
