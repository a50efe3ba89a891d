"""A clean 503 while the database is unreachable, instead of a 500 with a traceback.

- The content API (`/api/...`) answers JSON in every case, as it always does: `{"detail": ...}`
  with 503 while the database is down, and with 500 for any other server error.
- A form posted while the database is down was not saved: the 503 page shows what was typed
  (every text field posted, escaped, in a read-only text box to copy), so a reader's story or
  an editor's draft is not lost with the error. Hidden machinery (the CSRF token, the form's
  timestamp, the honeypot, formset counts, buttons) and anything named like a password or a
  token is left out.

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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.html import escape

logger = logging.getLogger("spasminfo.database")

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

FALLBACK_PAGE = (
    "<!doctype html><title>Temporarily unavailable</title><h1>We will be back shortly</h1>"
    "<p>The site is temporarily unavailable. Please try again in a minute.</p>"
)


API_NAMESPACE = "api"
API_UNAVAILABLE = "The service is temporarily unavailable. Retry in 30 seconds."
API_SERVER_ERROR = "Internal server error."
MAX_TYPED_FIELDS = 50
_MACHINERY = {"csrfmiddlewaretoken", "issued", "website", "revision_seen", "action", "select_across", "index"}
_SECRET_WORDS = ("password", "token", "secret", "csrf")
_FORMSET_COUNTS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def is_api_request(request: HttpRequest | None) -> bool:
    """The request is for the content API, whose every answer is JSON (resolved from the path when a
    failure came before the URL was)."""
    if request is None:
        return False
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return API_NAMESPACE in match.namespaces


def typed_fields(request: HttpRequest | None) -> list[tuple[str, str]]:
    """(field name, text) for what a person typed into the form this POST sent, in order."""
    if request is None or request.method != "POST":
        return []
    try:
        posted = request.POST
    except Exception:  # an unreadable body: nothing to give back
        return []
    typed = []
    for name, values in posted.lists():
        lowered = name.lower()
        if (
            name in _MACHINERY
            or name.startswith("_")
            or name.endswith(_FORMSET_COUNTS)
            or any(word in lowered for word in _SECRET_WORDS)
        ):
            continue
        typed.extend((name, value) for value in values if value.strip())
    return typed[:MAX_TYPED_FIELDS]


def _api_error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 answer: JSON for the API; else the 503 page, with what a posted form held. Rendered
    without the request's context processors, so nothing in it can touch the database (no user,
    no session)."""
    if is_api_request(request):
        response = _api_error(503, API_UNAVAILABLE)
    else:
        typed = typed_fields(request)
        try:
            content = render_to_string("503.html", {"site_name": settings.SPASMINFO_SITE_NAME, "typed": typed})
        except Exception:  # a broken template must not turn the 503 into a 500
            logger.exception("Could not render 503.html; serving the plain fallback")
            content = FALLBACK_PAGE + "".join(
                f"<p>{escape(name)}:<br><textarea readonly>{escape(value)}</textarea></p>" for name, value in typed
            )
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
    gets the 503 answer; anything else gets the 500 page (rendered without context processors
    or the database, which may be what failed), or JSON from the API."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        return database_unavailable_response(request)
    if is_api_request(request):
        return _api_error(500, API_SERVER_ERROR)
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"site_name": settings.SPASMINFO_SITE_NAME}), status=500)
