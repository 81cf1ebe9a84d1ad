"""The home dashboard: a few live figures from each app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

# Each app contributes dashboard figures through a selector returning a list of
# {"label", "value", "url"} dicts (numbers, not text: the page formats them, money when the
# dict says "money": True); a missing selector simply contributes nothing.
DASHBOARD_PROVIDERS = (
    "inventory.selectors.dashboard_figures",
    "warehouse.selectors.dashboard_figures",
    "analytics.selectors.dashboard_figures",
)
# Charts: each provider returns a chart spec (see static/js/charts.js) or None.
DASHBOARD_CHARTS = ("analytics.selectors.stock_movement_chart",)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    figures: list[dict] = []
    for dotted in DASHBOARD_PROVIDERS:
        try:
            provider = import_string(dotted)
        except ImportError:
            continue
        figures.extend(provider(user=request.user))
    charts = [import_string(dotted)(user=request.user) for dotted in DASHBOARD_CHARTS]
    charts = [chart for chart in charts if chart]
    for number, chart in enumerate(charts, start=1):
        chart["id"] = f"chart-{number}"
    return render(request, "home.html", {"figures": figures, "charts": charts})
