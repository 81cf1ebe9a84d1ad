"""The address of the client behind our own reverse proxies.

Behind nginx every request reaches gunicorn from the proxy's address, so login lockouts and
per-address rate limits would count everybody as one client. With ``TRUSTED_PROXY_COUNT`` set
to the number of proxies in front of the app (1 for deploy/nginx/partline.conf), the client is
the address those proxies appended to X-Forwarded-For: counted from the right, so a client
cannot choose its own address by sending the header itself. 0 (the default) trusts no header.
DRF's throttles use the same rule through ``NUM_PROXIES``; /metrics keeps REMOTE_ADDR (nginx
refuses /metrics from outside).
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
