import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import notifications
from articles.queues import review_due_by_reviewer


def _article_data(article, today) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "next_review_due": article.next_review_due.isoformat(),
        "days_overdue": max((today - article.next_review_due).days, 0),
        "url": article.get_absolute_url(),
    }


class Command(BaseCommand):
    help = "List articles due soon and overdue for medical review, per reviewer; optionally email each reviewer."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON for machines.")
        parser.add_argument("--notify", action="store_true", help="Email each reviewer their list.")
        parser.add_argument("--window", type=int, default=None, help="Days counted as 'due soon' (default: setting).")

    def handle(self, *args, notify: bool, window: int | None, **options):
        as_json = options["json"]
        today = timezone.localdate()
        window = settings.SPASMINFO_REVIEW_DUE_SOON_DAYS if window is None else window
        groups = review_due_by_reviewer(today, window)
        if as_json:
            self.stdout.write(self._as_json(groups, today, window))
        else:
            self._print(groups, today, window)
        if notify:
            self._notify(groups, today)

    def _as_json(self, groups, today, window) -> str:
        data = {
            "as_of": today.isoformat(),
            "due_soon_window_days": window,
            "reviewers": [
                {
                    "reviewer": (
                        {"slug": g.reviewer.slug, "name": g.reviewer.name, "credentials": g.reviewer.credentials}
                        if g.reviewer
                        else None
                    ),
                    "overdue": [_article_data(a, today) for a in g.overdue],
                    "due_soon": [_article_data(a, today) for a in g.due_soon],
                }
                for g in groups
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)

    def _print(self, groups, today, window) -> None:
        self.stdout.write(f"Medical review due as of {today:%d %b %Y} (due soon: within {window} days)")
        if not groups:
            self.stdout.write("Nothing is due.")
        for group in groups:
            self.stdout.write("")
            self.stdout.write(group.reviewer.byline if group.reviewer else "No reviewer yet")
            for article in group.overdue:
                days = (today - article.next_review_due).days
                self.stdout.write(f"  OVERDUE  {article.next_review_due}  {article.title} ({days} days late)")
            for article in group.due_soon:
                self.stdout.write(f"  due soon {article.next_review_due}  {article.title}")

    def _notify(self, groups, today) -> None:
        sent, skipped = 0, []
        for group in groups:
            reviewer = group.reviewer
            if reviewer is None:
                skipped.append("articles with no reviewer")
            elif notifications.review_due_digest(reviewer, overdue=group.overdue, due_soon=group.due_soon):
                sent += 1
            elif notifications.opted_out(reviewer):
                skipped.append(f"{reviewer.name} (opted out of review emails)")
            else:
                skipped.append(reviewer.name)
        self.stdout.write(f"Emailed {sent} reviewer(s).")
        if skipped:
            self.stdout.write("Not emailed (no account or email address, or opted out): " + ", ".join(skipped))
