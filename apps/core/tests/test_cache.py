from django.core.cache import cache, caches

from apps.core.cache import RedisCache


def test_the_cache_keeps_one_client_and_still_reads_and_writes():
    assert isinstance(caches["default"], RedisCache)
    cache.set("test:cache:client", {"a": 1}, 30)
    assert cache.get("test:cache:client") == {"a": 1}
    assert cache.get_many(["test:cache:client", "test:cache:none"]) == {"test:cache:client": {"a": 1}}
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.delete("test:cache:client")
    assert cache.get("test:cache:client") is None
