from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from participation.models import AnswerReview, Question, Story, Subscription

ERASED = "(removed at the asker's request)"


class Command(BaseCommand):
    help = (
        "Delete everything a reader gave with this email address (stories, questions, subscriptions). "
        "Only a question that is public, with an answer a medical reviewer signed off, keeps its page; "
        "its address is removed. Any other question is deleted, whatever stage it reached."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)

    @transaction.atomic
    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except Exception as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        for label, model in (("stories", Story), ("subscriptions", Subscription)):
            rows = list(model.objects.filter(email__iexact=email))
            for row in rows:
                self.stdout.write(f"deleted {'story' if label == 'stories' else label[:-1]} {row.pk}: {str(row)[:60]}")
            model.objects.filter(pk__in=[row.pk for row in rows]).delete()
            self.stdout.write(f"{label}: {len(rows)} deleted")
        self._questions(email)

    def _questions(self, email):
        """Signed-off public content stays (without the address); everything else of the reader goes. A question
        never published whose answer drafts were reviewed (sent back) cannot be deleted, because reviews are
        append-only: its words and address are erased instead."""
        given = list(Question.objects.filter(email__iexact=email).order_by("pk"))
        public = set(Question.objects.public().filter(pk__in=[q.pk for q in given]).values_list("pk", flat=True))
        reviewed = set(
            AnswerReview.objects.filter(version__question__in=given).values_list("version__question", flat=True)
        )
        erased = reviewed - public
        deleted = []
        for question in given:
            if question.pk in public:
                self.stdout.write(
                    f"question {question.pk}: kept, it is public with an answer a medical reviewer signed off; "
                    "address removed"
                )
            elif question.pk in erased:
                self.stdout.write(
                    f"question {question.pk}: never published; its words and address erased (its answer's review "
                    "records are append-only, so the empty question stays with them)"
                )
            else:
                self.stdout.write(f"deleted question {question.pk}: {str(question)[:60]} (never published)")
                deleted.append(question.pk)
        Question.objects.filter(pk__in=public).update(email="")
        Question.objects.filter(pk__in=erased).update(  # the slug too: it was made from the words
            email="", text=ERASED, slug=None, status=Question.Status.DECLINED, decline_reason="Removed on request."
        )
        Question.objects.filter(pk__in=deleted).delete()
        self.stdout.write(f"questions: {len(deleted)} deleted, {len(erased)} erased, {len(public)} kept (public)")
