from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_search_index(sender, using="default", **kwargs):
    """Re-create the search index's triggers if a later migration dropped them (SQLite
    rebuilds a table to alter it, and its triggers go with the old table)."""
    from django.db import connections

    from articles.search import install_search_index

    install_search_index(connections[using])


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import admin_feedback  # noqa: F401  (registers the helpful-vote counts admin)

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="articles_ensure_search_index")
