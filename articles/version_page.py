"""The reader's page of a version, for the admin's preview frame.

The page is the public site's (reader/page.py), an app above the editorial core: it plugs its
renderer in here from ReaderConfig.ready(), so the editorial admin shows readers' page of a
draft without importing the public site.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

# (request, version, *, reviewer) -> the page readers would get if the version were signed off now
Render = Callable[..., HttpResponse]

_renderers: list[Render] = []


def provide(render: Render) -> None:
    """The public site's renderer of a version's page (one; a second replaces the first)."""
    _renderers[:] = [render]


def render(request: HttpRequest, version, *, reviewer) -> HttpResponse:
    if not _renderers:
        raise ImproperlyConfigured("No public site renders a version's page: add reader to INSTALLED_APPS.")
    return _renderers[0](request, version, reviewer=reviewer)
