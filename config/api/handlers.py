"""Error answers outside the domain: JSON under /api/, the normal HTML page elsewhere."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # An API client asking for /api/parts/abc/ (an id that is not an integer) gets JSON, not HTML.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def body_too_large_detail() -> dict[str, str]:
    """The 413 body for a request over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 400 page otherwise)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {
        "detail": f"The request body is larger than the limit of {limit:,} bytes "
        f"({limit / 1_048_576:.1f} MB)."
    }
