"""Analytics pages. OEE and the order map arrive with their own issues."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/index.html")
