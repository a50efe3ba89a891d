from django.apps import AppConfig


class ReaderConfig(AppConfig):
    """The public site: its pages, feed, sitemap and readers' helpful votes."""

    name = "reader"
    verbose_name = "Public site"
