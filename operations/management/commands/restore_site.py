from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, MediaSwapError, restore_site


class Command(BaseCommand):
    help = (
        "Replace this database (pg_restore, all or nothing) and media folder (swapped in "
        "whole) with an archive written by backup_site. Refuses if the site already has content, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An archive written by backup_site.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace this site's database and media even though it has content (articles, people, accounts, ...).",
        )

    def handle(self, *args, file, force, **options):
        try:
            report = restore_site(file, force=force)
        except MediaSwapError as error:
            raise CommandError(str(error)) from error
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {report.summary()} from {file}"))
