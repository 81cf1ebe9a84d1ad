"""Request tracing, the Host check for health probes, the access log and the CSP header."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from config.ops.context import accept_or_generate_request_id, request_id_var, user_var

access_log = logging.getLogger("partline.access")


class RequestIdMiddleware:
    """Give every request an X-Request-ID, echo it back and expose it to logs and tasks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept_or_generate_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        user_token = user_var.set("-")
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            user_var.reset(user_token)
        response["X-Request-ID"] = request_id
        return response


# URL names of the probes an orchestrator calls; /health/detailed needs the session and the
# user, so it goes through the whole stack (and the Host check) like any page.
HEALTH_PROBES = frozenset({"health", "health-live", "health-ready", "health-startup"})


class HealthProbeMiddleware:
    """Let the health probes through whatever Host header they carry.

    Probes address the process, not the site: Docker's HEALTHCHECK curls 127.0.0.1, Kubernetes
    calls the pod IP, and neither is (or should be) in ALLOWED_HOSTS, so the first middleware to
    ask for the host (SecurityMiddleware, CommonMiddleware) would answer them 400 DisallowedHost.
    For the probe URLs only, the host is taken as sent; the probe views build no URL from it,
    and every other middleware (security headers, CORS, the access log) still runs. It must sit
    before SecurityMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/health/"):
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            if url_name in HEALTH_PROBES:
                request.get_host = request._get_raw_host  # type: ignore[method-assign]
        return self.get_response(request)


class AccessLogMiddleware:
    """One structured line per request: method, path, status, duration, user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_var.set(user.get_username())
        response = self.get_response(request)
        # Token-authenticated API users are only known after the view ran.
        drf_request = (getattr(response, "renderer_context", None) or {}).get("request")
        drf_user = getattr(drf_request, "user", None)
        if drf_user is not None and drf_user.is_authenticated:
            user_var.set(drf_user.get_username())
        if not request.path.startswith(("/health/live", "/static/")):
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return response


class ContentSecurityPolicyMiddleware:
    """Set Content-Security-Policy unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
