"""A clean 503 while the database is unreachable, instead of a 500 with a traceback.

The site recovers by itself: the failed connection is discarded at the end of the
request (Django closes unusable connections), and with CONN_HEALTH_CHECKS every
reused connection is checked first, so the first request after the database is back
opens a fresh one.
"""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.loader import render_to_string

logger = logging.getLogger("spasminfo.database")

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

FALLBACK_PAGE = (
    "<!doctype html><title>Temporarily unavailable</title><h1>We will be back shortly</h1>"
    "<p>The site is temporarily unavailable. Please try again in a minute.</p>"
)


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Rendered without the request's context processors, so nothing in it
    can touch the database (no user, no session)."""
    try:
        content = render_to_string("503.html", {"site_name": settings.SPASMINFO_SITE_NAME})
    except Exception:  # a broken template must not turn the 503 into a 500
        logger.exception("Could not render 503.html; serving the plain fallback")
        content = FALLBACK_PAGE
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view (or its template) into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.error("Database unavailable, answering 503 for %s: %s", request.path, exception)
            return database_unavailable_response(request)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database error raised outside a view (in a middleware, say) still
    gets the 503 page; anything else gets the 500 page, rendered without context processors
    or the database, which may be what failed."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        return database_unavailable_response(request)
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"site_name": settings.SPASMINFO_SITE_NAME}), status=500)
