from django.apps import AppConfig


def _site_restored(sender, **kwargs):
    from pagecache.tags import content_changed

    content_changed()  # every cached page showed the site as it was


class PageCacheConfig(AppConfig):
    """The public page cache (pagecache/__init__.py). No models; it knows none."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from operations.signals import site_restored

        site_restored.connect(_site_restored, dispatch_uid="pagecache_site_restored")
