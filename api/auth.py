"""Who is calling: an API key in `Authorization: Bearer <key>`, its rate limit and its usage count.

Every API operation runs `ApiKeyAuth` first: an unknown, revoked or missing key is a 401;
a key over its rate (`ApiKey.requests_per_minute`, counted per key in the default cache by
django-ratelimit, so every server process shares the count) is a 429 with Retry-After.
Each request is counted in `ApiKeyUsage`, answered or refused.
"""

from django_ratelimit.core import is_ratelimited
from ninja.security import HttpBearer

from api.models import ApiKey, ApiKeyUsage


class RateLimited(Exception):
    """The key made more requests this minute than its rate allows."""


def _key_id(_group, request) -> str:
    return str(request.api_key.pk)


def _key_rate(_group, request) -> str:
    return request.api_key.rate


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key (ask the editors for one), sent as `Authorization: Bearer spk_...`."

    def authenticate(self, request, token: str):
        key = ApiKey.objects.authenticate(token)
        if key is None:
            return None
        request.api_key = key
        if is_ratelimited(request, group="api", key=_key_id, rate=_key_rate, increment=True):
            ApiKeyUsage.count(key, refused=True)
            raise RateLimited
        ApiKeyUsage.count(key)
        return key
