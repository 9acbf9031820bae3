"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's own builds a new `redis.Redis` for every cache call, and redis-py fills a
table of some 170 reply handlers for each: 0.1–0.2 ms, as much as the call itself,
paid on every signed-in request for its session and again for the to-do count. The
client is only a handle on the pool (which already holds the connections, and
knows a forked process from its parent), so one per pool does the same work.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
