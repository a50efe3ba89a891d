from django.apps import AppConfig


class PreviewsConfig(AppConfig):
    name = "previews"
    verbose_name = "Expert preview links"
