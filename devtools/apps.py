from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development and benchmark tools, outside the product: `generate_content` (synthetic articles
    written through the real derivation) and the benchmark's `/__floor__/` view.

    Installed only by the dev, test and bench settings; production never loads it.
    """

    name = "devtools"
    verbose_name = "Development tools"
