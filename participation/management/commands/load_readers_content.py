from pathlib import Path

from django.core.management.base import BaseCommand

from participation.demo import load_readers_content


class Command(BaseCommand):
    help = "Load the demo prompts, approved stories and answered questions (fixtures/readers.yaml). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="fixtures/readers.yaml")

    def handle(self, *args, path, **options):
        made = load_readers_content(Path(path))
        self.stdout.write(", ".join(f"{count} {kind}" for kind, count in made.items()) + " added")
