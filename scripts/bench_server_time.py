"""Server time of single requests, measured in-process with Django's test Client (no network,
no load), for scripts/bench.py. Prints one JSON object.

Runs with the environment bench.py gives it (production settings, the benchmark's
PostgreSQL, page caching off), so each figure is the full middleware stack and the view,
database round trips included, as one request costs with nothing else going on.

    python scripts/bench_server_time.py --repeat 5
    python scripts/bench_server_time.py --repeat 5 --only search   # the searches alone
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasminfo.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from taxonomy.models import Cause  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import SEARCHES  # noqa: E402


def timed(client: Client, path: str, repeat: int) -> list[float]:
    client.get(path)  # warm: templates, connections, anything loaded once
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} -> {response.status_code}")
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def searches(client: Client, repeat: int) -> list[float]:
    """`repeat` timings of each of the 20 searches: with 5, p95 is the 5th slowest of 100 (with
    2 each it would be the 2nd slowest of 40, which one stray pause decides)."""
    times = []
    for query in SEARCHES:
        times += timed(client, f"/search/?q={query.replace(' ', '+')}", repeat)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=10, help="how many different article pages to time")
    parser.add_argument("--only", choices=["search"], help="time the searches alone")
    parser.add_argument("--floor", action="store_true", help="also time /__floor__/ (bench settings)")
    parser.add_argument("--articles-only", action="store_true", help="time the article pages (and floor) only")
    args = parser.parse_args()
    if args.only == "search":
        search_times = searches(Client(HTTP_HOST="127.0.0.1"), args.repeat)
        print(
            json.dumps({"search_ms": {"p50": statistics.median(search_times), "p95": percentile(search_times, 0.95)}})
        )
        return
    rng = random.Random(1)
    client = Client(HTTP_HOST="127.0.0.1")
    listed = list(Article.objects.listed().values_list("slug", flat=True))
    count = len(listed)

    article_times = []
    for slug in rng.sample(listed, min(args.articles, len(listed))):
        article_times += timed(client, f"/articles/{slug}/", args.repeat)
    # The framework floor (devtools/floor.py, bench settings only), for the article page's ratio to it.
    floor_times = timed(client, "/__floor__/", args.repeat * 5) if args.floor else [0.0]

    if args.articles_only:
        article_p50, floor_p50 = statistics.median(article_times), statistics.median(floor_times)
        print(json.dumps({"articles": count, "article_ms": article_p50, "floor_ms": floor_p50}))
        return

    # The cause pages of the demo's most and least discussed causes, and a middle one.
    causes = list(
        Cause.objects.annotate(n=Count("version_links")).filter(n__gt=0).order_by("-n", "slug").values_list("slug", "n")
    )
    picked = [causes[0], causes[len(causes) // 2], causes[-1]]
    cause_times = {slug: statistics.median(timed(client, f"/causes/{slug}/", args.repeat)) for slug, _ in picked}

    search_times = searches(client, args.repeat)

    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Editors"))
    admin = Client(HTTP_HOST="127.0.0.1")
    admin.force_login(editor)
    admin_times = timed(admin, "/admin/articles/article/", args.repeat)

    review_due = []
    for _ in range(max(1, args.repeat // 2)):
        out = io.StringIO()
        start = time.perf_counter()
        call_command("review_due", stdout=out)
        review_due.append(time.perf_counter() - start)
    due_lines = out.getvalue().count("\n")

    print(
        json.dumps(
            {
                "articles": count,
                "article_ms": {"p50": statistics.median(article_times), "p95": percentile(article_times, 0.95)},
                "floor_ms": statistics.median(floor_times),
                "cause_ms": {
                    "most": cause_times[picked[0][0]],
                    "middle": cause_times[picked[1][0]],
                    "least": cause_times[picked[2][0]],
                    "articles_on_most": picked[0][1],
                    "articles_on_middle": picked[1][1],
                },
                "search_ms": {"p50": statistics.median(search_times), "p95": percentile(search_times, 0.95)},
                "admin_list_ms": statistics.median(admin_times),
                "review_due_s": statistics.median(review_due),
                "review_due_lines": due_lines,
            }
        )
    )


if __name__ == "__main__":
    main()
