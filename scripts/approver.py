"""Reviewers at work, for scripts/loadtest.py: a separate process that keeps taking live
articles through the real workflow (start_draft, edit, submit_version, approve_version as
a medical reviewer) and appends every approval it saw committed to a log (one JSON line,
flushed and fsynced), so the load test can check afterwards that none was lost.

Database errors (PostgreSQL stopped) are counted; the connection is dropped and the next
round reconnects. Runs until SIGTERM or --duration seconds.

    DJANGO_SETTINGS_MODULE=spasminfo.settings.production ... python scripts/approver.py --log approvals.jsonl
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import InterfaceError, OperationalError, connection  # noqa: E402

from articles import services  # noqa: E402
from articles.models import Article, ArticleVersion  # noqa: E402

stopping = False


def stop(*_):
    global stopping
    stopping = True


def approve_once(article: Article, editor: User, reviewers: list[User], n: int) -> dict:
    draft = services.start_draft(article=article, user=editor)
    if draft.status in ArticleVersion.EDITABLE_STATUSES:
        draft.image_credits = f"Illustration: spasminfo studio (load-test edit {n})"
        draft.change_note = f"Load-test edit {n} of the image credits."
        draft.save()
        draft = services.submit_version(version=draft, user=editor)
    draft.refresh_from_db()
    authors = set(draft.author_links.values_list("person_id", flat=True))
    reviewer = next(user for user in reviewers if user.person.pk not in authors)
    review = services.approve_version(
        version=draft, reviewer=reviewer.person, seen_fingerprint=draft.compute_fingerprint(), user=reviewer
    )
    # approve_version is atomic: once it returns, the approval is committed.
    return {"review": review.pk, "version": draft.pk, "article": article.pk, "at": time.time()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", required=True)
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--interval", type=float, default=0.2, help="pause between approvals (seconds)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    editor = User.objects.get(username="editor")
    reviewers = list(User.objects.filter(username__in=["reviewer", "second_reviewer"]).select_related("person"))
    article_ids = list(Article.objects.live().order_by("pk").values_list("pk", flat=True))
    deadline = time.time() + args.duration
    approved = failed = 0
    with open(args.log, "a") as log:
        n = 0
        while not stopping and time.time() < deadline:
            n += 1
            try:
                entry = approve_once(Article.objects.get(pk=article_ids[n % len(article_ids)]), editor, reviewers, n)
            except (OperationalError, InterfaceError):
                failed += 1
                connection.close()
                time.sleep(0.2)
                continue
            log.write(json.dumps(entry) + "\n")
            log.flush()
            os.fsync(log.fileno())
            approved += 1
            time.sleep(args.interval)
    print(json.dumps({"approved": approved, "failed_attempts": failed}), flush=True)


if __name__ == "__main__":
    main()
