from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Readers take part"

    def ready(self):
        from django.db.models.signals import post_migrate

        from articles import inbox
        from articles.signals import article_decided
        from participation import inbox as participation_inbox
        from participation import reports
        from participation.caching import connect_signals
        from participation.immutability import install_on_migrate
        from participation.panels import PROMPTS, QuestionSitemap
        from reader import panels, sitemaps

        connect_signals()
        inbox.add_reviewer_section(participation_inbox.answers_to_review)  # the one reviewer inbox
        inbox.add_editor_section(participation_inbox.answers_sent_back)
        inbox.add_editor_section(participation_inbox.new_questions)
        inbox.add_open_problems(reports.open_problems_of)  # shown before "Confirm still accurate"
        article_decided.connect(reports.close_reports_by_decision, dispatch_uid="participation_close_reports")
        panels.register(PROMPTS)  # the readers' prompts on every article's page
        sitemaps.add_section("questions", QuestionSitemap)
        post_migrate.connect(install_on_migrate, sender=self, dispatch_uid="participation_answer_guards")
