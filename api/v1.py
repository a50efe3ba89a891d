"""The read-only content API, version 1 (/api/v1/), on django-ninja.

Thin operations over `api.selectors` (the reader site's visibility rules) and
`api.payloads` (schema.org-named records). Every operation needs an API key
(`api.auth`); lists are cursor-paginated (`api.pagination`); responses carry an ETag
(`pagecache.middleware.StableETagMiddleware`, Django's conditional GET), so a matching
If-None-Match gets a 304. The OpenAPI schema is served at /api/v1/openapi.json.

Other apps add their endpoints without touching this module: each (prefix, router) named in
`settings.SPASMINFO_API_ROUTERS` is mounted here, under the same key, limits and headers.
Such a router must read through its app's public queryset, as these do.
"""

import datetime
import re
from typing import Annotated

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.module_loading import import_string
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError
from pydantic import AfterValidator, BeforeValidator

from api import payloads, schemas, selectors
from api.auth import ApiKeyAuth, RateLimited
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate

CACHE_CONTROL = "private, no-cache"  # a client may keep a response, and revalidates it (ETag) each time


class ContentApi(NinjaAPI):
    def create_response(self, request, data, *, status=200, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        response["Cache-Control"] = CACHE_CONTROL
        response["Vary"] = "Authorization"
        return response


api = ContentApi(
    title="spasminfo content API",
    version="1",
    description="Medically reviewed articles, as signed off by a named reviewer, with their causes, topics "
    "and people. Read-only. Records use schema.org names (MedicalWebPage, lastReviewed, reviewedBy, citation).",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the site's CSP refuses
    auth=ApiKeyAuth(),
)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": "Rate limit exceeded: retry in a minute."}, status=429)
    response["Retry-After"] = "60"
    return response


@api.get("/", auth=None, include_in_schema=False, url_name="index")
def index(request):
    """What the API offers, for a person or a client that starts at /api/v1/."""
    return {
        "documentation": request.build_absolute_uri(reverse("api_documentation")),
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        "authentication": "Authorization: Bearer <API key>",
        "lists": {
            name: request.build_absolute_uri(reverse(f"api:{name}_list"))
            for name in ("article", "removed", "cause", "topic", "person")
        },
    }


content = Router(tags=["content"])
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
# Every answer an operation can give besides its 200: 304 to a matching If-None-Match (no body),
# 400 a bad cursor, 401 no valid key, 404 nothing public there, 422 a parameter it cannot use,
# 429 over the key's rate.
COMMON_ANSWERS = {304: None, 401: schemas.Error, 422: schemas.ValidationError, 429: schemas.Error}
LIST_ERRORS = {**COMMON_ANSWERS, 400: schemas.Error}
DETAIL_ERRORS = {**COMMON_ANSWERS, 404: schemas.Error}
REALM = 'Bearer realm="spasminfo content API"'


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    """401 says how to authenticate (RFC 9110: a 401 carries WWW-Authenticate)."""
    response = api.create_response(
        request, {"detail": "Unauthorized: send an API key as Authorization: Bearer <key>."}, status=401
    )
    response["WWW-Authenticate"] = REALM
    return response


def _no_timestamps(value):
    """A `*_since` value is an ISO 8601 date-time (`2026-01-01T00:00:00Z`, or the basic `20260101`):
    nothing else, so no number (`1767225600`, `0.5`) is read as seconds since 1970."""
    text = str(value).strip()
    refusal = "Give an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z (not seconds since 1970)."
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text) and not re.fullmatch(r"\d{8}", text):
        raise ValueError(refusal)  # a number, however Python's parser might read it
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(refusal) from None


def _in_utc(moment: datetime.datetime) -> datetime.datetime:
    """Read without a time zone as UTC; with one, converted to UTC (any offset Python accepts,
    including those beyond PostgreSQL's own range of +-15:59)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


Since = Annotated[datetime.datetime, BeforeValidator(_no_timestamps), AfterValidator(_in_utc)]


@content.get(
    "/articles/",
    response={200: schemas.ArticlePage, **LIST_ERRORS},
    by_alias=True,
    url_name="article_list",
    summary="Live articles, oldest change first; with modified_since, the changes feed",
)
def article_list(request, cursor: str | None = None, limit: int = Limit, modified_since: Since | None = None):
    """Every live article, ordered by `changedAt` (then id). A syndicator lists everything once,
    keeps the largest `changedAt` it saw, and later asks `modified_since=<that>` for what changed."""
    articles = selectors.articles()
    if modified_since is not None:
        articles = articles.filter(changed_at__gte=modified_since)
    return paginate(request, articles, payloads.article, fields=("changed_at", "pk"), cursor=cursor, limit=limit)


@content.get(
    "/removed/",
    response={200: schemas.RemovalPage, **LIST_ERRORS},
    by_alias=True,
    url_name="removed_list",
    summary="Articles taken down (withdrawn for medical review): drop your copy",
)
def removed_list(request, cursor: str | None = None, limit: int = Limit, removed_since: Since | None = None):
    """The changes feed's other half: `/articles/?modified_since=` gives what is new or changed,
    this gives what readers must no longer get. Each record stays until a new sign-off brings
    the article back, when it is in `/articles/` again with a later `changedAt`."""
    removed = selectors.removed_articles()
    if removed_since is not None:
        removed = removed.filter(taken_down_at__gte=removed_since)
    return paginate(request, removed, payloads.removal, fields=("taken_down_at", "pk"), cursor=cursor, limit=limit)


@content.get(
    "/articles/{slug}/", response={200: schemas.Article, **DETAIL_ERRORS}, by_alias=True, url_name="article_detail"
)
def article_detail(request, slug: str):
    return payloads.article(get_object_or_404(selectors.articles(), slug=slug), request)


def _list_and_detail(noun: str, plural: str, queryset, render, page_schema, item_schema):
    @content.get(
        f"/{plural}/",
        response={200: page_schema, **LIST_ERRORS},
        by_alias=True,
        url_name=f"{noun}_list",
        operation_id=f"{noun}_list",
    )
    def listing(request, cursor: str | None = None, limit: int = Limit):
        return paginate(request, queryset(), render, fields=("pk",), cursor=cursor, limit=limit)

    @content.get(
        f"/{plural}/{{slug}}/",
        response={200: item_schema, **DETAIL_ERRORS},
        by_alias=True,
        url_name=f"{noun}_detail",
        operation_id=f"{noun}_detail",
    )
    def detail(request, slug: str):
        return render(get_object_or_404(queryset(), slug=slug), request)


_list_and_detail("cause", "causes", selectors.causes, payloads.cause, schemas.CausePage, schemas.Cause)
_list_and_detail("topic", "topics", selectors.topics, payloads.topic, schemas.TopicPage, schemas.Topic)
_list_and_detail("person", "people", selectors.people, payloads.person, schemas.PersonPage, schemas.Person)

api.add_router("", content)
for prefix, dotted in settings.SPASMINFO_API_ROUTERS:
    api.add_router(prefix, import_string(dotted))
