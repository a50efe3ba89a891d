from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from participation.models import Question, Story, Subscription


class Command(BaseCommand):
    help = "Delete everything a reader gave with this email address (stories, questions, subscriptions)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)

    @transaction.atomic
    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except Exception as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        for label, model in (("stories", Story), ("questions", Question), ("subscriptions", Subscription)):
            rows = list(model.objects.filter(email__iexact=email))
            for row in rows:
                self.stdout.write(f"deleted {label[:-1] if label != 'stories' else 'story'} {row.pk}: {str(row)[:60]}")
            model.objects.filter(pk__in=[row.pk for row in rows]).delete()
            self.stdout.write(f"{label}: {len(rows)} deleted")
