import time

from django.core.management.base import BaseCommand, CommandError

from references.linkcheck import (
    DEFAULT_PER_HOST,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    check_urls,
    cited_urls,
    store_results,
)


class Command(BaseCommand):
    help = (
        "Check every reference URL of live articles (concurrently, politely per host, with a timeout) "
        "and record each result; reviewers see dead and redirected links in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="Seconds to wait on each step.")
        parser.add_argument(
            "--per-host", type=int, default=DEFAULT_PER_HOST, help="Requests to one host at the same time."
        )
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="Requests at the same time overall.")

    def handle(self, *args, timeout: float, per_host: int, workers: int, **options):
        if timeout <= 0 or per_host < 1 or workers < 1:
            raise CommandError("--timeout must be positive; --per-host and --workers at least 1.")
        urls = cited_urls()
        started = time.monotonic()
        results = check_urls(urls, timeout=timeout, per_host=per_host, workers=workers)
        store_results(results)
        dead = [r for r in results if r.is_dead]
        redirected = [r for r in results if r.is_redirected]
        for result in dead:
            reason = result.error or f"HTTP {result.status}"
            self.stdout.write(f"dead        {result.url} ({reason})")
        for result in redirected:
            self.stdout.write(f"redirected  {result.url} -> {result.final_url}")
        self.stdout.write(
            f"Checked {len(results)} reference URLs in {time.monotonic() - started:.1f} s: "
            f"{len(results) - len(dead) - len(redirected)} OK, {len(redirected)} redirected, {len(dead)} dead."
        )
