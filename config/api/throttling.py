"""Rate limits counted in the shared cache, so every web worker agrees.

When the cache is down the history cannot be read. THROTTLE_FAIL_MODE decides:
"open" (default) lets the request through, "closed" refuses it with 429.

A request refused before the throttles ran (401) is counted by config.api.exceptions instead;
each throttle notes on the request that it has counted it, so nothing is counted twice.

Anonymous callers are counted by config.ops.client_ip, the one rule for the client address: with
TRUSTED_PROXY_COUNT=0 no X-Forwarded-For header can give a caller a fresh count.

Counting is one atomic cache increment per request (a window of the rate's duration opens at a
caller's first request; Retry-After is what is left of it). DRF's own throttle kept a list of
every request time of the last window and read and rewrote it whole on every request: two round
trips and a list that grows with the rate (tens of kilobytes a request at a few hundred requests
a second). A window here is fixed, not sliding: a caller may spend up to twice the rate across
the end of one window and the start of the next, never more.
"""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.ops.client_ip import client_ip


def cache_is_up() -> bool:
    from config.ops.health import check_cache

    return check_cache()["ok"]


CHECKED_ATTRIBUTE = "_partline_throttles_checked"


def throttles_checked(request: Any) -> bool:
    """Whether the throttles have already counted this request."""
    return bool(getattr(request, CHECKED_ATTRIBUTE, False))


class _FailModeMixin:
    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        setattr(request, CHECKED_ATTRIBUTE, True)
        if getattr(settings, "THROTTLE_FAIL_MODE", "open") == "closed" and not cache_is_up():
            self.history = []  # type: ignore[attr-defined]
            self.now = self.timer()  # type: ignore[attr-defined]
            self.wait_seconds = 60.0
            return False
        if self.rate is None:  # type: ignore[attr-defined]
            return True
        ident = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if ident is None:
            return True
        key = "count:" + ident  # not DRF's key, which held a list of request times
        count = self._count(key)
        if count is None or count <= self.num_requests:  # type: ignore[attr-defined]
            return True  # counted (or the cache cannot count: open)
        started = self.cache.get(key + ":start")  # type: ignore[attr-defined]
        duration = self.duration  # type: ignore[attr-defined]
        left = duration - (time.time() - started) if started is not None else duration
        self.wait_seconds = min(max(left, 1.0), float(duration))
        return False

    def _count(self, key: str) -> int | None:
        """This request's number in the caller's window (a new window at 1); None: no cache."""
        cache = self.cache  # type: ignore[attr-defined]
        try:
            return cache.incr(key)
        except ValueError:  # no window open
            pass
        duration = self.duration  # type: ignore[attr-defined]
        if cache.add(key, 1, timeout=duration):
            cache.set(key + ":start", time.time(), timeout=duration)
            return 1
        try:
            return cache.incr(key)  # another worker opened it meanwhile
        except ValueError:
            return None

    def get_ident(self, request) -> str:  # type: ignore[no-untyped-def]
        return client_ip(request)

    def wait(self) -> float | None:
        if getattr(self, "wait_seconds", None):
            return self.wait_seconds
        return super().wait()  # type: ignore[misc]


class SharedCacheAnonRateThrottle(_FailModeMixin, AnonRateThrottle):
    cache = cache


class SharedCacheUserRateThrottle(_FailModeMixin, UserRateThrottle):
    cache = cache
