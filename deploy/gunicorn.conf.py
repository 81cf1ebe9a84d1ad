"""gunicorn settings for Partline: workers from the CPU count, recycled with jitter, JSON logs."""

import glob
import multiprocessing
import os

# config.wsgi defaults to production too, but the config package (imported first, for the Celery
# app) would default to the local settings: say production before anything is imported.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds an idle keep-alive connection stays open. gunicorn always runs behind a proxy that
# keeps its upstream connections open (nginx: keepalive_timeout 60s in deploy/nginx; the
# Kubernetes ingress-nginx: upstream-keepalive-timeout, 60 s by default), and the proxy must be
# the one to close an idle connection: if gunicorn closes it first, a request the proxy sends at
# that moment meets a closed connection, and a POST is not retried (a 502). The load test saw
# exactly that with gunicorn's usual 5 s and clients that pause up to 5 s between requests.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn believes X-Forwarded-Proto (the request's scheme) only from these peers: none unless
# the app runs behind proxies (TRUSTED_PROXY_COUNT, the same rule as the application's).
_behind_proxies = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0) > 0
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1" if _behind_proxies else "")

# Logs: one JSON object per line on stdout, the same formatter as the application's. gunicorn's
# own access log is off: the application already writes one JSON line per request (logger
# partline.access, with request id, user, status and duration), so a second, plain-text line per
# request would only duplicate it. gunicorn's own messages (start, worker boot/exit, timeouts)
# stay, as JSON under the logger name gunicorn.error.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "config.ops.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "config.ops.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        # Not propagated: in a worker the root logger gets Django's handler, which would print
        # each of these lines a second time.
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False},
        # gunicorn turns its access log on whenever a logging config is given; silence it here.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}


def on_starting(server) -> None:
    """Start with an empty metrics directory: files of an earlier run would be counted again."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for path in glob.glob(os.path.join(directory, "*.db")):
            os.remove(path)


# Metrics from every worker: with PROMETHEUS_MULTIPROC_DIR set (an empty, writable directory),
# /metrics aggregates all workers; a dead worker's files are retired here.
def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# A worker's long-lived objects (modules, models, URL patterns, views, serializers: most of its
# heap) are made once and live as long as it. Frozen out of the cyclic garbage collector's view
# after start-up, a request's collections walk only what requests made, instead of the whole
# application on every full collection.
def post_worker_init(worker) -> None:
    import gc

    from django.urls import get_resolver

    # Import every view (and its serializers) now rather than on the first requests.
    len(get_resolver().url_patterns)
    gc.collect()
    gc.freeze()
