from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from articles.immutability import add_refusal_translation


def ensure_search_index(sender, using="default", **kwargs):
    """Re-create the search index's triggers if a later migration dropped them (SQLite
    rebuilds a table to alter it, and its triggers go with the old table).

    Does nothing while the schema is older than migration 0004_reader_site (for
    example after migrating backwards), since the triggers need its columns.
    """
    from django.db import connections

    from articles.search import install_search_index

    connection = connections[using]
    with connection.cursor() as cursor:
        if "articles_articleversion" not in connection.introspection.table_names(cursor):
            return
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "articles_articleversion")}
    if {"search_text", "search_causes", "search_vector"} <= columns:
        install_search_index(connection)


def ensure_immutability_guards(sender, using="default", **kwargs):
    """Re-create the guard triggers (articles/immutability.py) that a SQLite table rebuild dropped,
    once their migration is applied."""
    from django.db import connections

    from articles.immutability import guards_are_due, install_guards

    connection = connections[using]
    if guards_are_due(connection):
        install_guards(connection)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles.freshness import connect_signals

        connect_signals()

        from django.db.models.signals import post_save

        from articles.vocabulary import cause_saved

        post_save.connect(cause_saved, sender="taxonomy.Cause", dispatch_uid="articles_search_cause_saved")

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="articles_ensure_search_index")
        post_migrate.connect(ensure_immutability_guards, sender=self, dispatch_uid="articles_ensure_guards")
        connection_created.connect(add_refusal_translation, dispatch_uid="articles_translate_refusals")
