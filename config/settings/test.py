"""Test settings: fast hashing, no lockout noise, same database choice as the environment."""

from .base import *  # noqa: F403
from .base import CACHES, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that check throttling lower the rate themselves; the rest must not trip it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
}
CACHES["default"]["KEY_PREFIX"] = "partline-test"

import os  # noqa: E402

from .base import env  # noqa: E402

# Each xdist worker gets its own cache keys, so clearing one worker's keys spares the others.
CACHES["default"]["KEY_PREFIX"] = f"partline-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# Tasks run in-process in tests unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
AXES_ENABLED = True
# Test databases are thrown away: the demo may be loaded into them (the browser tests do).
DEMO_DATA_ALLOWED = True
# The order map's demo city with a few orders: load_demo runs in several tests.
GEO_DEMO_ORDERS = env.int("GEO_DEMO_ORDERS", default=2_000)

# pytest-django recognises an in-memory SQLite test database only under the stock engine name;
# behind the django-prometheus wrapper it would derive "test_/path/partline.sqlite3_gw0" for each
# xdist worker, in a directory that does not exist. Say "in memory" explicitly.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# The shared Redis of a test run answers in well under a millisecond, but two xdist workers, a
# browser and PostgreSQL on two cores can stall it past the production 50 ms: then the breaker
# would open and the throttle tests would see it fail open. The suite's own cache waits longer;
# the fault tests build their caches from REDIS_CACHE_OPTIONS, which keeps the production values.
if "OPTIONS" in CACHES["default"]:
    CACHES["default"]["OPTIONS"] = {
        **CACHES["default"]["OPTIONS"],
        "SOCKET_TIMEOUT": env.float("TEST_REDIS_SOCKET_TIMEOUT", default=2.0),
        "SOCKET_CONNECT_TIMEOUT": env.float("TEST_REDIS_SOCKET_TIMEOUT", default=2.0),
    }
