"""Django's Redis cache, minus one cost per call, and degrading instead of failing.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache operation,
and each one fills a table of about 170 response callbacks: half a millisecond of a page cache
hit on this machine, more than the rest of the hit's Python work. A `redis.Redis` is a thin,
thread-safe handle on a connection pool, so one per pool does the same work. Everything else
(pools, serializer, timeouts, replicas chosen per call) is Django's.

A cache is a copy, never the only record, so Redis unreachable (down, paused, a network cut)
must cost readers speed, not pages: every operation that fails degrades to what an empty cache
answers (a miss, nothing stored, `add` refused, `set_many` reporting every key failed), is
logged, and for CACHE_RETRY_SECONDS after a failure this process does not ask Redis again
(one short socket timeout per process and period, not per request). With the option
``LOCAL_FALLBACK`` (the rate limits' cache, settings ``CACHES["ratelimits"]``) it answers from a
per-process memory cache meanwhile instead: limits then count per process.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisError, OSError)  # ConnectionError and TimeoutError are RedisErrors

_down_until: dict[str, float] = {}  # by server location: this process asks again after then
_lock = threading.Lock()


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


def unreachable(location: str) -> bool:
    """Whether this process saw the cache at `location` fail less than CACHE_RETRY_SECONDS ago."""
    return _down_until.get(location, 0.0) > time.monotonic()


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self._local_fallback = options.pop("LOCAL_FALLBACK", False)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._location = server if isinstance(server, str) else ",".join(server)
        self._local = LocMemCache(f"fallback:{self._location}", params) if self._local_fallback else None

    @property
    def is_unreachable(self) -> bool:
        return unreachable(self._location)

    def _call(self, name: str, degraded, *args, **kwargs):
        """Redis's answer to `name`, or while it is unreachable the local cache's (LOCAL_FALLBACK)
        or `degraded` (what an empty cache answers)."""
        if not self.is_unreachable:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                with _lock:
                    _down_until[self._location] = time.monotonic() + settings.SPASMINFO_CACHE_RETRY_SECONDS
                logger.error("Cache %s unreachable (%s: %s): serving without it", self._location, name, error)
        if self._local is not None:
            return getattr(self._local, name)(*args, **kwargs)
        return degraded(*args, **kwargs) if callable(degraded) else degraded

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing(*args, **kwargs):
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        return self._call("incr", missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda data, *rest: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
