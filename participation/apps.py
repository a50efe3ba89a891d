from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Readers take part"

    def ready(self):
        from django.db.models.signals import post_migrate

        from participation.caching import connect_signals
        from participation.immutability import install_on_migrate

        connect_signals()
        post_migrate.connect(install_on_migrate, sender=self, dispatch_uid="participation_answer_guards")
