"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def partline(request: HttpRequest) -> dict[str, str]:
    return {"PARTLINE_VERSION": settings.VERSION}
