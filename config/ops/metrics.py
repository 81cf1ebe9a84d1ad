"""/metrics: django-prometheus's exporter behind an address allow-list or token."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView

from config.ops.access import client_ip_allowed, ops_token_valid


def metrics(request: HttpRequest) -> HttpResponse:
    if not (client_ip_allowed(request, settings.METRICS_ALLOWED_IPS) or ops_token_valid(request)):
        return HttpResponseForbidden("Metrics are served to listed addresses or with a token.\n")
    return ExportToDjangoView(request)
