from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from participation.models import Question, Story, Subscription


class Command(BaseCommand):
    help = (
        "Delete everything a reader gave with this email address (stories, questions, subscriptions). "
        "A question that was answered and published keeps its signed-off page; only the address is removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)

    @transaction.atomic
    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except Exception as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        given = Question.objects.filter(email__iexact=email)
        answered = list(given.filter(answers__reviews__isnull=False).distinct())
        for question in answered:
            self.stdout.write(f"question {question.pk}: address removed (answered and signed off, so its page stays)")
        Question.objects.filter(pk__in=[q.pk for q in answered]).update(email="")
        for label, model in (("stories", Story), ("questions", Question), ("subscriptions", Subscription)):
            rows = list(model.objects.filter(email__iexact=email))
            for row in rows:
                self.stdout.write(f"deleted {'story' if label == 'stories' else label[:-1]} {row.pk}: {str(row)[:60]}")
            model.objects.filter(pk__in=[row.pk for row in rows]).delete()
            self.stdout.write(f"{label}: {len(rows)} deleted")
