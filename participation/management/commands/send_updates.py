from django.core.management.base import BaseCommand

from participation.updates import send_digests


class Command(BaseCommand):
    help = "Email each confirmed subscriber the new and newly reviewed articles since their last mail (cron)."

    def handle(self, *args, **options):
        result = send_digests()
        self.stdout.write(f"email updates: {result['sent']} sent, {result['nothing new']} with nothing new")
