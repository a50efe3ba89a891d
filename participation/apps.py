from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Readers take part"

    def ready(self):
        from participation.caching import connect_signals

        connect_signals()
