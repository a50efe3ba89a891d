from django.core.management.base import BaseCommand, CommandError

from articles.importing import ContentError, load_content


class Command(BaseCommand):
    help = "Load taxonomy, people, series and articles from a content folder (default: fixtures). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default="fixtures")
        parser.add_argument("--check", action="store_true", help="Validate everything, then roll back: writes nothing.")

    def handle(self, *args, folder, check, **options):
        try:
            report = load_content(folder, dry_run=check)
        except ContentError as error:
            raise CommandError(
                f"Nothing was loaded. {len(error.problems)} problem(s):\n  " + "\n  ".join(error.problems)
            ) from error
        prefix = "Checked (nothing written)" if check else "Loaded"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {report.summary()}"))
