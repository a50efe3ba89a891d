from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Readers take part"

    def ready(self):
        from django.db.models.signals import post_migrate

        from participation.caching import connect_signals
        from participation.immutability import install_on_migrate
        from participation.panels import PROMPTS, QuestionSitemap
        from reader import panels, sitemaps

        connect_signals()
        panels.register(PROMPTS)  # the readers' prompts on every article's page
        sitemaps.add_section("questions", QuestionSitemap)
        post_migrate.connect(install_on_migrate, sender=self, dispatch_uid="participation_answer_guards")
