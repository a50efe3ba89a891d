from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from articles.immutability import add_refusal_translation


def ensure_immutability_guards(sender, using="default", **kwargs):
    """Complete the guard triggers (articles/immutability.py) once their migration is applied: a
    version part of a later app (images.VersionImage) gets its guard when its table exists."""
    from django.db import connections

    from articles.immutability import guards_are_due, install_guards

    connection = connections[using]
    if guards_are_due(connection):
        install_guards(connection)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import sign_offs
        from articles.freshness import connect_signals

        connect_signals()
        sign_offs.connect_signals()

        from articles.citing import live_reference_urls
        from references.linkcheck import cites_urls

        cites_urls(live_reference_urls)  # what check_references visits: the live versions' reference URLs

        post_migrate.connect(ensure_immutability_guards, sender=self, dispatch_uid="articles_ensure_guards")
        connection_created.connect(add_refusal_translation, dispatch_uid="articles_translate_refusals")
