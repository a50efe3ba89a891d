"""python manage.py generate_content --articles N [--seed S] [--batch-size B] [--jobs J]"""

import os

from django.core.management.base import BaseCommand, CommandError

from devtools.synthetic import generate


class Command(BaseCommand):
    help = (
        "Create N synthetic live articles (signed-off versions with authors, causes, references, FAQ, reviews and "
        "events, indexed for search) for load and scale testing. Slugs continue after existing synthetic-NNNNNN "
        "ones; the taxonomy and people are reused, topped up with synthetic ones where there are too few."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same database: same content).")
        parser.add_argument("--batch-size", type=int, default=1000, help="Articles per transaction.")
        parser.add_argument(
            "--overdue", type=float, default=0.2, help="Fraction of articles overdue for review (up to a year late)."
        )
        parser.add_argument(
            "--verify-every",
            type=int,
            default=500,
            help="Re-derive every Nth article with the real renderer and fingerprint, and stop on any difference "
            "(0: never).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that render and derive each batch with the real derivation (default: one per core).",
        )

    def handle(self, *args, articles, seed, batch_size, overdue, verify_every, jobs, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        if jobs < 1:
            raise CommandError("--jobs must be at least 1.")
        if not 0 <= overdue <= 1:
            raise CommandError("--overdue is a fraction between 0 and 1.")
        quiet = options["verbosity"] == 0
        summary = generate(
            articles,
            seed=seed,
            batch_size=batch_size,
            overdue=overdue,
            verify_every=verify_every,
            jobs=jobs,
            log=(lambda message: None) if quiet else self.stdout.write,
        )
        self.stdout.write(
            f"Created {articles:,} live articles ({summary['first']} to {summary['last']}) in "
            f"{summary['seconds']:.1f} s ({summary['per_second']:,.0f}/s, {summary['jobs']} derivation processes); "
            f"{summary['verified']} re-derived and checked."
        )
