"""Database routing: analytics reads go to the read replica when one is configured; writes never.

With DATABASE_REPLICA_URL set, settings define a second alias, "replica" (a streaming replica
of the primary). What goes there:

- every read of a model of an app in REPLICA_APPS (analytics: OEE, heatmaps, reports), and
- every read inside `replica_reads()` or a function decorated with `@reads_from_replica`: the
  read-only selectors that feed dashboards and reports from other apps' tables. The queries
  must be evaluated inside: a lazy QuerySet returned out of the block reads the primary.

What never goes there: writes (db_for_write always answers the primary, even for an object
that was loaded from the replica), and reads inside a transaction on the primary, which must
see that transaction's own writes (a replica lags by up to the replication delay).
Without a replica every answer is the primary, so callers never need to know.
"""

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICA_APPS = frozenset({"analytics"})

_replica_requested: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "partline_replica_reads", default=False
)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (read-only selectors only)."""
    token = _replica_requested.set(True)
    try:
        yield
    finally:
        _replica_requested.reset(token)


def reads_from_replica(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a read-only selector whose queries run (are evaluated) inside it."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django database router (settings.DATABASE_ROUTERS); see the module docstring."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # read your own writes
        if model._meta.app_label in REPLICA_APPS or _replica_requested.get():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same rows: an object read from one may point at one from the other.
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica receives the schema from the primary by replication.
        return False if db == REPLICA else None
