"""/metrics: the process's (or all workers') metrics and database-backed figures, for operators.

django-prometheus's own view exports the process registry, or, with PROMETHEUS_MULTIPROC_DIR
set, a registry it builds per scrape from the workers' files, so a collector registered globally
would be missing in exactly the production case. This view builds the registry per scrape
itself: the metrics of the processes, plus the collectors listed in METRICS_COLLECTORS, which
read what other processes (the Celery worker) wrote to the database. A figure a collector
exports is never also kept in a process (no series appears twice).
"""

import os
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.module_loading import import_string
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from config.ops.access import client_ip_allowed, ops_token_valid


@cache
def database_collectors() -> tuple[Collector, ...]:
    return tuple(import_string(dotted)() for dotted in getattr(settings, "METRICS_COLLECTORS", []))


def scrape_registry() -> CollectorRegistry:
    collectors = database_collectors()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes: Collector = MultiProcessCollector(None)
    else:
        processes = REGISTRY
    registry = CollectorRegistry(auto_describe=False)
    registry.register(processes)
    for collector in collectors:
        registry.register(collector)
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    if not (client_ip_allowed(request, settings.METRICS_ALLOWED_IPS) or ops_token_valid(request)):
        return HttpResponseForbidden("Metrics are served to listed addresses or with a token.\n")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
