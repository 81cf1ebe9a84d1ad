"""Rate limits counted in the shared cache, so every web worker agrees.

When the cache is down the history cannot be read. THROTTLE_FAIL_MODE decides:
"open" (default) lets the request through, "closed" refuses it with 429.

A request refused before the throttles ran (401) is counted by config.api.exceptions instead;
each throttle notes on the request that it has counted it, so nothing is counted twice.

Anonymous callers are counted by config.ops.client_ip, the one rule for the client address: with
TRUSTED_PROXY_COUNT=0 no X-Forwarded-For header can give a caller a fresh count.
"""

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
        return super().allow_request(request, view)  # type: ignore[misc]

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
