from django.apps import AppConfig


class ReaderConfig(AppConfig):
    """The public site: its pages, feed, sitemap and readers' helpful votes."""

    name = "reader"
    verbose_name = "Public site"

    def ready(self):
        from articles import version_page
        from reader.page import preview_response

        version_page.provide(preview_response)  # the admin's preview frame shows the reader's page
