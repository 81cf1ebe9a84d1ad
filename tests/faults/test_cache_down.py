"""With Redis (cache and throttle counters) stopped, pages and the API keep serving.

The cache is pointed at a redis-server of our own, which the test kills. Cache errors are
logged, not raised (DJANGO_REDIS_IGNORE_EXCEPTIONS); /health/ready names the cache as down;
THROTTLE_FAIL_MODE decides whether the API lets requests through ("open") or refuses them
with 429 ("closed") while the throttle cannot count.
"""

import logging

import pytest
from django.core.cache import cache

from tests.factories import PartFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def cache_on_own_redis(settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
            "KEY_PREFIX": "partline-fault",
        }
    }
    cache.set("fault:probe", "up")
    assert cache.get("fault:probe") == "up", "the cache should work before the fault"
    return redis_server


@pytest.fixture
def redis_stopped(cache_on_own_redis):
    cache_on_own_redis.stop()
    return cache_on_own_redis


def test_pages_keep_serving_when_redis_stops(client, user_in_role, redis_stopped):
    client.force_login(user_in_role("viewer"))
    for path in ("/", "/inventory/parts/", "/warehouse/"):
        assert client.get(path).status_code == 200, path


def test_the_api_keeps_serving_reads_and_writes_when_redis_stops(client_for, redis_stopped):
    PartFactory(sku="CACHE-DOWN-1")
    planner = client_for("planner")
    assert planner.get("/api/parts/").json()["count"] == 1
    created = planner.post("/api/parts/", {"sku": "CACHE-DOWN-2", "name": "x"}, format="json")
    assert created.status_code == 201


def test_cache_errors_are_logged_not_raised(caplog, redis_stopped):
    with caplog.at_level(logging.ERROR, logger="django_redis"):
        cache.set("fault:key", "value")
        assert cache.get("fault:key") is None
    assert any("Connection" in record.getMessage() or record.exc_info for record in caplog.records)


def test_ready_reports_the_cache_down_and_the_database_up(client, redis_stopped):
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"]["ok"] is True


def test_throttling_fails_open_by_default_when_the_cache_is_down(
    client_for, redis_stopped, settings
):
    assert settings.THROTTLE_FAIL_MODE == "open"
    viewer = client_for("viewer")
    assert [viewer.get("/api/parts/").status_code for _ in range(3)] == [200, 200, 200]


def test_throttling_fails_closed_with_429_when_so_configured(client_for, redis_stopped, settings):
    settings.THROTTLE_FAIL_MODE = "closed"
    response = client_for("viewer").get("/api/parts/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_throttling_closed_mode_serves_normally_while_the_cache_is_up(
    client_for, cache_on_own_redis, settings
):
    settings.THROTTLE_FAIL_MODE = "closed"
    assert client_for("viewer").get("/api/parts/").status_code == 200
