from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import identity, workflow
from articles.models import Person

# username, password, group, person slug it signs as (reviewers), superuser
DEMO_ACCOUNTS = [
    ("editor", "editor-demo-2026", "Editors", None, False),
    ("second_editor", "second-editor-demo-2026", "Editors", None, False),
    ("reviewer", "reviewer-demo-2026", "Medical reviewers", "helena-marsh", False),
    ("second_reviewer", "second-reviewer-demo-2026", "Medical reviewers", "tomas-reyes", False),
    ("moderator", "moderator-demo-2026", "Moderators", None, False),  # readers' stories (participation)
    ("admin", "admin-demo-2026", None, None, True),
]


class Command(BaseCommand):
    help = "Create the demo accounts (development only) and print their sign-in details. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a public site).")

    @transaction.atomic
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have published passwords; refusing with DEBUG off (use --force on a private machine)."
            )
        User = get_user_model()
        rows = []
        for username, password, group_name, person_slug, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            if created:
                user.set_password(password)
            user.is_staff = True
            user.is_superuser = superuser
            user.email = user.email or f"{username.replace('_', '.')}@example.org"  # workflow emails (console)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            signs_as = ""
            if person_slug:
                person = Person.objects.filter(slug=person_slug).first()
                if person is None:
                    raise CommandError(f"Person {person_slug!r} is missing: run `manage.py load_content` first.")
                if person.user_id not in (None, user.pk):
                    raise CommandError(f"Person {person_slug!r} is already linked to another account.")
                # Run by the operator: linked, made a reviewer and confirmed at once (all audited).
                identity.change_signing_identity(
                    person=person, user=workflow.SYSTEM, account=user, is_medical_reviewer=True
                )
                person = identity.confirm_account_link(person=person, user=workflow.SYSTEM)
                signs_as = f" (signs off as {person.byline})"
            role = group_name or "Superuser"
            shown = password if created or user.check_password(password) else "(changed since)"
            rows.append(f"  {username:<16} {shown:<26} {role}{signs_as}")
        self.stdout.write("Demo accounts for http://127.0.0.1:8000/admin/ :")
        self.stdout.write("\n".join(rows))
