"""Error views for URLs that match no route: JSON under /api/, the normal HTML page elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # An API client asking for /api/parts/abc/ (an id that is not an integer) gets JSON, not HTML.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
