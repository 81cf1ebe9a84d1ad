"""With Redis (cache and throttle counters) stopped or hung, pages and the API keep serving.

The cache is pointed at a redis-server of our own, with the project's cache options, which the
test kills (down) or SIGSTOPs (hung: it accepts connections and never answers). Cache errors are
logged, not raised (DJANGO_REDIS_IGNORE_EXCEPTIONS); /health/ready names the cache as down;
THROTTLE_FAIL_MODE decides whether the API lets requests through ("open") or refuses them
with 429 ("closed") while the throttle cannot count. A hung Redis costs one short socket timeout,
then the circuit breaker (config/ops/redis_breaker.py) skips it.
"""

import logging
import os
import signal
import time

import pytest
from django.core.cache import cache

from config.ops import redis_breaker
from tests.factories import PartFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def cache_on_own_redis(settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": dict(settings.REDIS_CACHE_OPTIONS),
            "KEY_PREFIX": "partline-fault",
        }
    }
    redis_breaker.reset()
    cache.set("fault:probe", "up")
    assert cache.get("fault:probe") == "up", "the cache should work before the fault"
    return redis_server


@pytest.fixture
def redis_stopped(cache_on_own_redis):
    cache_on_own_redis.stop()
    return cache_on_own_redis


@pytest.fixture
def redis_hung(cache_on_own_redis, settings):
    """Our redis-server SIGSTOPped: connections are accepted by the kernel, nothing answers."""
    settings.REDIS_BREAKER_SECONDS = 60  # the window outlasts the test: one trip, no retry
    os.kill(cache_on_own_redis.process.pid, signal.SIGSTOP)
    yield cache_on_own_redis
    os.kill(cache_on_own_redis.process.pid, signal.SIGCONT)
    redis_breaker.reset()


def own_server_trips(server) -> int:
    return redis_breaker.trips[f"127.0.0.1:{server.port}/0"]


def timed_statuses(client, path: str, times: int) -> tuple[list[int], list[float]]:
    statuses, seconds = [], []
    for _ in range(times):
        started = time.monotonic()
        statuses.append(client.get(path).status_code)
        seconds.append(time.monotonic() - started)
    return statuses, seconds


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


# --- Hung, not down: the socket timeout is short, and the breaker skips Redis after one.


def test_the_cache_socket_timeouts_are_tens_of_milliseconds(settings):
    options = settings.REDIS_CACHE_OPTIONS
    assert options["SOCKET_TIMEOUT"] <= 0.1
    assert options["SOCKET_CONNECT_TIMEOUT"] <= 0.1


def test_a_hung_redis_costs_the_api_one_short_timeout_and_then_none(client_for, redis_hung):
    viewer = client_for("viewer")
    statuses, seconds = timed_statuses(viewer, "/api/parts/", 20)
    assert statuses == [200] * 20
    # Before the fix each call waited 2 x 1 s for the throttle's cache round trips.
    assert own_server_trips(redis_hung) == 1
    assert max(seconds) < 1.0, seconds
    assert sum(seconds[1:]) < 2.0, seconds


def test_a_hung_redis_costs_pages_one_short_timeout_and_then_none(client, user_in_role, redis_hung):
    client.force_login(user_in_role("viewer"))
    statuses, seconds = timed_statuses(client, "/inventory/parts/", 5)
    assert statuses == [200] * 5
    assert own_server_trips(redis_hung) <= 1  # pages may not touch the cache at all
    assert max(seconds) < 1.0, seconds


def test_a_hung_redis_throttle_fails_closed_at_once_when_so_configured(
    client_for, redis_hung, settings
):
    settings.THROTTLE_FAIL_MODE = "closed"
    viewer = client_for("viewer")
    statuses, seconds = timed_statuses(viewer, "/api/parts/", 5)
    assert statuses == [429] * 5
    assert own_server_trips(redis_hung) == 1
    assert sum(seconds) < 2.0, seconds


def test_ready_names_a_hung_cache_within_the_short_timeout(client, redis_hung):
    started = time.monotonic()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert time.monotonic() - started < 1.0


def test_the_cache_is_used_again_once_redis_answers_after_the_window(redis_hung, settings):
    cache.get("fault:probe")  # times out: the circuit opens
    assert own_server_trips(redis_hung) == 1
    os.kill(redis_hung.process.pid, signal.SIGCONT)
    settings.REDIS_BREAKER_SECONDS = 0.2
    redis_breaker.record_failure(f"127.0.0.1:{redis_hung.port}/0")  # reopen with the short window
    assert cache.get("fault:probe") is None  # skipped while the circuit is open
    time.sleep(0.3)
    cache.set("fault:back", "yes")
    assert cache.get("fault:back") == "yes"
