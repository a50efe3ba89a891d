from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: the database-down page, backup and restore. No models of its own."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from operations import secrets  # noqa: F401  (registers its system check)

        self._hide_the_queue_from_the_admin()

    @staticmethod
    def _hide_the_queue_from_the_admin():
        """procrastinate's admin list of jobs shows their arguments (mail bodies, readers' addresses)
        and filters without checking their input: the queue is read with SQL or its CLI instead."""
        from django.contrib import admin
        from procrastinate.contrib.django.models import ProcrastinateJob

        if admin.site.is_registered(ProcrastinateJob):
            admin.site.unregister(ProcrastinateJob)
