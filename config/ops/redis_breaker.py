"""A circuit breaker in front of Redis: after a failure, skip it for a while instead of waiting.

A hung Redis accepts connections and never answers, so every command waits for the socket
timeout. With this client class (the cache's REDIS_CLIENT_CLASS) the first command that fails
opens the circuit for REDIS_BREAKER_SECONDS: until then every command fails at once with
``CircuitOpen`` (a redis ConnectionError, which the cache ignores like any outage: a miss, and the
throttle fails open or closed as THROTTLE_FAIL_MODE says). The next command after that window
tries Redis again and closes the circuit if it answers. So a hung Redis costs one short timeout
per window and process, not one per command.

The state is per process and per server: a breaker needs no shared store, and sharing it would
mean asking the very service that is down.
"""

import threading
import time
from collections import Counter
from typing import Any

from django.conf import settings
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

_lock = threading.Lock()
_open_until: dict[str, float] = {}
# How many times each server's circuit was opened in this process (read by the tests).
trips: Counter[str] = Counter()


class CircuitOpen(RedisConnectionError):
    """Redis failed a moment ago; it is not asked again until the window has passed."""


def server_of(client: Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    return f"{where}/{kwargs.get('db', 0)}"


def check(server: str) -> None:
    """Raise CircuitOpen while the server's circuit is open."""
    until = _open_until.get(server)
    if until is None:
        return
    remaining = until - time.monotonic()
    if remaining > 0:
        raise CircuitOpen(f"Redis at {server} skipped for {remaining:.1f} s after a failure")


def record_failure(server: str) -> None:
    seconds = float(getattr(settings, "REDIS_BREAKER_SECONDS", 5.0))
    with _lock:
        _open_until[server] = time.monotonic() + seconds
        trips[server] += 1


def record_success(server: str) -> None:
    if server in _open_until:
        with _lock:
            _open_until.pop(server, None)


def reset() -> None:
    """Close every circuit (tests)."""
    with _lock:
        _open_until.clear()
        trips.clear()


class BreakerRedis(Redis):
    """redis.Redis whose commands go through the breaker of their server."""

    @property
    def breaker_server(self) -> str:
        server = self.__dict__.get("_breaker_server")
        if server is None:
            server = self.__dict__["_breaker_server"] = server_of(self)
        return server

    def execute_command(self, *args: Any, **options: Any) -> Any:
        server = self.breaker_server
        check(server)
        try:
            result = super().execute_command(*args, **options)
        except (RedisConnectionError, RedisTimeoutError):
            record_failure(server)
            raise
        record_success(server)
        return result

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        check(self.breaker_server)
        return super().pipeline(transaction=transaction, shard_hint=shard_hint)
