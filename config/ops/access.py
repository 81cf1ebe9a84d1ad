"""Who may read operator endpoints: listed addresses, staff, or a bearer token."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def ops_token_valid(request: HttpRequest) -> bool:
    expected = getattr(settings, "OPS_TOKEN", "")
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    supplied = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    supplied = supplied or request.headers.get("X-Ops-Token", "")
    return bool(supplied) and hmac.compare_digest(supplied, expected)


def client_ip_allowed(request: HttpRequest, allowed: list[str]) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
