from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_site


class Command(BaseCommand):
    help = (
        "Write the whole site to one archive: the database by its own tool (pg_dump) "
        "and every uploaded file. backup_site FILE.tar.gz"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the archive (a .tar.gz); replaced if it exists.")

    def handle(self, *args, file, **options):
        try:
            report = backup_site(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up {report.summary()} to {file}"))
