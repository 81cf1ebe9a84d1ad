"""Health endpoints: liveness, readiness, startup, a summary and a detailed report for operators."""

import shutil
import socket
import struct
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.ops.access import ops_token_valid

# PostgreSQL's SSLRequest: length 8, code 80877103. Any live server answers one byte at once.
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def postgres_answers(host: str, port: int, timeout: float) -> str | None:
    """A one-round-trip protocol probe; returns why the server did not answer, or None.

    libpq will not time out a connection attempt in under 2 s, so a hung server (one that
    accepts TCP and never replies) would hold /health/ready that long. This probe bounds it.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(_SSL_REQUEST)
            if sock.recv(1) not in (b"S", b"N", b"E"):
                return "PostgreSQL did not answer the protocol probe"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc or 'timed out'}"
    return None


def _probe_before_connecting(connection: Any) -> str | None:
    if connection.vendor != "postgresql" or connection.connection is not None:
        return None
    host = connection.settings_dict.get("HOST") or ""
    if not host or host.startswith("/"):
        return None  # a Unix socket: nothing on the network to hang
    port = int(connection.settings_dict.get("PORT") or 5432)
    return postgres_answers(host, port, getattr(settings, "HEALTH_DB_PROBE_TIMEOUT", 1.0))


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    problem = _probe_before_connecting(connections[DEFAULT_DB_ALIAS])
    if problem:
        return {"ok": False, "error": problem[:300]}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()[:300]}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_cache() -> dict[str, Any]:
    """Write and read back a random value: errors are swallowed by the cache, so compare."""
    key = f"health:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    started = time.perf_counter()
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if not ok:
        return {"ok": False, "error": "cache did not return the value written"}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_static() -> dict[str, Any]:
    """Under a manifest storage (production), pages need collectstatic's manifest to render.

    The storage reads the manifest once, when the process first uses it: a process started
    before collectstatic ran keeps failing until it is restarted, and says so.
    """
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.utils.functional import empty

    if staticfiles_storage._wrapped is empty:
        staticfiles_storage._setup()
    storage = staticfiles_storage._wrapped
    if not isinstance(storage, ManifestFilesMixin):
        return {"ok": True, "manifest": "not used"}
    if settings.DEBUG:
        # The embedded default (make run): with DEBUG the storage serves unhashed names and
        # needs no manifest, so a fresh clone is ready without collectstatic.
        return {"ok": True, "manifest": "not needed with DEBUG"}
    if storage.hashed_files:
        return {"ok": True, "manifest": storage.manifest_name}
    try:
        collected_since = storage.exists(storage.manifest_name)
    except Exception:
        collected_since = False
    if collected_since:
        error = "static files collected after this process started: restart it"
    else:
        error = "static files not collected: run manage.py collectstatic --noinput"
    return {"ok": False, "error": f"{error} ({settings.STATIC_ROOT})"}


def pending_migrations() -> list[str]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def check_broker() -> dict[str, Any]:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager (tasks run in-process)"}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "mode": "broker"}


def celery_workers() -> dict[str, Any]:
    from config.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager", "workers": []}
    try:
        replies = app.control.inspect(timeout=1.0).ping() or {}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:300], "workers": []}
    return {"workers": sorted(replies)}


def data_refreshes() -> dict[str, Any]:
    """Ask each app that registered a provider how old its scheduled data is."""
    result: dict[str, Any] = {}
    for dotted in getattr(settings, "HEALTH_REFRESH_PROVIDERS", []):
        try:
            result.update(import_string(dotted)())
        except Exception as exc:
            result[dotted] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return result


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "cache": check_cache(), "static": check_static()}
    failed = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "ready" if not failed else "unavailable", "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if failed else 200)


@never_cache
@require_safe
def startup(request: HttpRequest) -> JsonResponse:
    try:
        pending = pending_migrations()
    except Exception as exc:
        return JsonResponse({"status": "starting", "error": str(exc)[:300]}, status=503)
    if pending:
        return JsonResponse({"status": "starting", "pending_migrations": pending}, status=503)
    return JsonResponse({"status": "started"})


@never_cache
@require_safe
def summary(request: HttpRequest) -> JsonResponse:
    database = check_database()
    body = {
        "status": "healthy" if database["ok"] else "unhealthy",
        "database": "connected" if database["ok"] else "unreachable",
        "version": settings.VERSION,
    }
    return JsonResponse(body, status=200 if database["ok"] else 503)


@never_cache
@require_safe
def detailed(request: HttpRequest) -> JsonResponse:
    user = getattr(request, "user", None)
    if not ((user is not None and user.is_staff) or ops_token_valid(request)):
        return JsonResponse(
            {"detail": "Staff login or an operations token is required."}, status=403
        )
    database = check_database()
    try:
        pending: list[str] | str = pending_migrations() if database["ok"] else "unknown"
    except Exception as exc:
        pending = f"unknown: {exc}"
    disk = shutil.disk_usage(settings.BASE_DIR)
    body = {
        "status": "healthy" if database["ok"] else "unhealthy",
        "version": settings.VERSION,
        "database": {**database, "vendor": connections[DEFAULT_DB_ALIAS].vendor},
        "cache": check_cache(),
        "broker": check_broker(),
        "celery": celery_workers(),
        "pending_migrations": pending,
        "disk": {
            "free_bytes": disk.free,
            "total_bytes": disk.total,
            "free_percent": round(disk.free / disk.total * 100, 1),
        },
        "data_refreshes": data_refreshes(),
    }
    return JsonResponse(body, status=200 if database["ok"] else 503)
