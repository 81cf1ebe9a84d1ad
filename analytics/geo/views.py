"""The map pages: heatmap with vendors and areas, and coverage with the what-if radius slider.

Both pages are a shell: the data comes from /api/geo/ (the same numbers as any API client), so
the pages stay fast whatever the number of orders. The tile host, when tiles are configured, is
added to this response's Content-Security-Policy img-src (the site default allows only 'self').
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from analytics.geo.models import City, Vendor
from analytics.geo.params import HEATMAP_TYPES
from analytics.geo.rows import GRADES
from analytics.geo.selectors import freshness


def _context(request: HttpRequest) -> dict:
    cities = list(City.objects.values_list("code", "name"))
    lines = (
        Vendor.objects.exclude(business_line="")
        .order_by("business_line")
        .values_list("business_line", flat=True)
        .distinct()
    )
    return {
        "cities": cities,
        "city": request.GET.get("city") or (cities[0][0] if cities else ""),
        "business_lines": list(lines),
        "grades": GRADES,
        "types": HEATMAP_TYPES,
        "freshness": freshness(),
        "tile_url": settings.GEO_TILE_URL,
        "tile_attribution": settings.GEO_TILE_ATTRIBUTION,
    }


def _with_tile_csp(response: HttpResponse) -> HttpResponse:
    policy = settings.CONTENT_SECURITY_POLICY
    if settings.GEO_TILE_URL and policy:
        parts = urlsplit(settings.GEO_TILE_URL.replace("{s}", "a"))
        host = f"{parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}"
        response["Content-Security-Policy"] = policy.replace("img-src ", f"img-src {host} ", 1)
    return response


@require_safe
@login_required
@permission_required("analytics.view_order", raise_exception=True)
def map_page(request: HttpRequest) -> HttpResponse:
    return _with_tile_csp(render(request, "analytics/geo/map.html", _context(request)))


@require_safe
@login_required
@permission_required("analytics.view_order", raise_exception=True)
def coverage_page(request: HttpRequest) -> HttpResponse:
    return _with_tile_csp(render(request, "analytics/geo/coverage.html", _context(request)))
