"""Cursor pagination: a page is "after this position" in a fixed order, never an offset, so a
syndicator walking the list sees each record once even while articles go live or change.

A cursor is the last record's position (its ordering values), signed so it cannot be forged
into an arbitrary query, and signed for its list (the salt names the list's path), so a
cursor of one list is refused by every other; a tampered or foreign cursor is a 400.
"""

import datetime

from django.core import signing
from django.db.models import Q
from ninja.errors import HttpError

from operations.signing import dumps_as_of

SALT = "api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DATETIME_FIELDS = {"changed_at", "taken_down_at"}  # ordering fields a cursor carries as ISO 8601


def _salt(request) -> str:
    return f"{SALT}:{request.path}"


def _encode(values: list, request) -> str:
    """The same position always gives the same cursor (a page's ETag holds from one second to the next)."""
    return dumps_as_of([v.isoformat() if isinstance(v, datetime.datetime) else v for v in values], salt=_salt(request))


def _decode(cursor: str, fields: tuple[str, ...], request) -> list:
    try:
        values = signing.loads(cursor, salt=_salt(request))
    except signing.BadSignature:
        raise HttpError(400, "This cursor is not valid: use the `next` link of a page.") from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise HttpError(400, "This cursor is not valid: use the `next` link of a page.")
    return [
        datetime.datetime.fromisoformat(v) if field in DATETIME_FIELDS else v
        for field, v in zip(fields, values, strict=True)
    ]


def after(fields: tuple[str, ...], values: list) -> Q:
    """Rows after `values` in the ascending order of `fields` (a keyset condition)."""
    condition = Q()
    for i, field in enumerate(fields):
        step = Q(**{f"{field}__gt": values[i]})
        for earlier, value in zip(fields[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def paginate(request, queryset, render, *, fields: tuple[str, ...], cursor: str | None, limit: int) -> dict:
    """One page of `queryset` (ordered by `fields`) after `cursor`, each row through `render`."""
    if cursor:
        queryset = queryset.filter(after(fields, _decode(cursor, fields, request)))
    rows = list(queryset[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    next_url = None
    if more:
        query = request.GET.copy()
        query["cursor"] = _encode([getattr(page[-1], field) for field in fields], request)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"next": next_url, "results": [render(row, request) for row in page]}
