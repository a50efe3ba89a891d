from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: the database-down page, backup and restore. No models of its own."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from operations import secrets  # noqa: F401  (registers its system check)
