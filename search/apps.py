from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_save

        from articles.signals import version_frozen
        from search import vocabulary

        # The words "did you mean" may suggest: a version's once it is signed off, a cause's current name.
        version_frozen.connect(vocabulary.version_frozen, dispatch_uid="search_vocabulary_version_frozen")
        post_save.connect(vocabulary.cause_saved, sender="taxonomy.Cause", dispatch_uid="search_vocabulary_cause")
