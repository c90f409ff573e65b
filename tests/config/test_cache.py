"""config.cache.RedisCache, against the real Redis the PostgreSQL pass of CI runs with."""

import os
import uuid

import pytest
import redis

from config.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_CACHE_URL"), reason="needs REDIS_CACHE_URL (a real Redis)")


@pytest.fixture
def cache():
    return RedisCache(os.environ["REDIS_CACHE_URL"], {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})


def test_one_client_serves_every_call_and_the_values_round_trip(cache):
    cache.set_many({"a": {"light": "red"}, "b": [1, 2]})
    assert cache.get_many(["a", "b", "c"]) == {"a": {"light": "red"}, "b": [1, 2]}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None


def test_the_kept_client_reconnects_after_redis_drops_its_connections(cache):
    """A Redis restart closes every connection; the next call must open a new one, not fail."""
    cache.set("k", 1)
    own = cache._cache.get_client().client_id()  # the pool's one idle connection, used again next
    redis.Redis.from_url(os.environ["REDIS_CACHE_URL"]).client_kill_filter(_id=own)
    assert cache.get("k") == 1
    assert cache._cache.get_client().client_id() != own
