from django.core.management.base import BaseCommand

from articles.services import publish_due


class Command(BaseCommand):
    help = "Publish signed-off versions and archive articles whose scheduled time has come. Idempotent; run from cron."

    def handle(self, *args, **options):
        done = publish_due()
        for slug in done["published"]:
            self.stdout.write(f"published {slug}")
        for slug in done["archived"]:
            self.stdout.write(f"archived {slug}")
        if options["verbosity"] > 1 or done["published"] or done["archived"]:
            self.stdout.write(f"{len(done['published'])} published, {len(done['archived'])} archived.")
