"""Input that no view should have to think about is refused with 400 before any view runs.

A NUL byte cannot be stored or compared in PostgreSQL (psycopg refuses the query, so a
filter or search containing one was a 500); nothing legitimate sends one in a URL or a
form field. Files uploaded in a form are not inspected.
"""

import contextlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

NUL = "\x00"


def has_nul_byte(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    params = [request.GET]
    if request.method == "POST":
        with contextlib.suppress(MultiPartParserError, UnreadablePostError):  # answered downstream, as before
            params.append(request.POST)
    return any(NUL in key or any(NUL in value for value in values) for query in params for key, values in query.lists())


class RejectNulBytesMiddleware:
    """400 for a request whose path, query string or form fields contain a NUL byte."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul_byte(request):
            message = "The request contains a NUL byte (%00), which no page accepts."
            if request.path.startswith("/api/"):  # the API answers in JSON, as its schema says
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
