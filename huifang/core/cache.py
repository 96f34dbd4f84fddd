"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's RedisCacheClient makes a new ``redis.Redis`` for every cache call, and redis-py
builds a table of some 170 response callbacks for each: on a page that reads its session
and a count from Redis that was a measurable part of the request. A client is only a
handle on its pool (the connections stay in the pool, which is thread-safe), so one per
pool serves every call.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own (private) pool lookup and client class, as its get_client uses them;
        # tests/core/test_sessions.py runs this against a real Redis.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
