"""Django's Redis cache, minus one cost per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache operation,
and each one fills a table of about 170 response callbacks: half a millisecond of a page cache
hit on this machine, more than the rest of the hit's Python work. A `redis.Redis` is a thin,
thread-safe handle on a connection pool, so one per pool does the same work. Everything else
(pools, serializer, timeouts, replicas chosen per call) is Django's.
"""

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
