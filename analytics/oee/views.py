"""OEE pages: the plant dashboard and one line's page (the same view, narrowed to the line)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from analytics.oee import charts, selectors
from analytics.oee.forms import OeeFilterForm
from analytics.oee.models import ProductionLine

VIEW_PERM = "analytics.view_oeedaily"


def _page(request: HttpRequest, line: ProductionLine | None) -> HttpResponse:
    form = OeeFilterForm(request.GET or None)
    filters = form.filters()
    if line is None and form.is_valid():
        line = form.cleaned_data.get("line")
    period = {"date_from": filters["date_from"], "date_to": filters["date_to"]}
    rows = selectors.oee_series(line=line, granularity=filters["granularity"], **period)
    subject = line.code if line else "the plant"
    context = {
        "form": form,
        "line": line,
        "filters": filters,
        "cards": [
            card
            for card in selectors.line_cards(**period)
            if line is None or card["line"].pk == line.pk
        ],
        "plant": selectors.plant_summary(**period),
        "charts": [
            charts.trend_chart(rows, chart_id="oee-trend", title=f"OEE of {subject}"),
            charts.pareto_chart(selectors.loss_pareto(line=line, **period), chart_id="oee-pareto"),
        ],
    }
    return render(request, "analytics/oee/dashboard.html", context)


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def line_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, get_object_or_404(ProductionLine, code=code))
