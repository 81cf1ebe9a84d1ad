"""OEE pages: the plant dashboard and one line's page (the same view, narrowed to the line)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from analytics.oee import charts, selectors
from analytics.oee.forms import OeeExportForm, OeeFilterForm, OeeImportForm, OeeRefitForm
from analytics.oee.imports import oee_report_import, summary_lines
from analytics.oee.models import ProductionLine
from analytics.oee.services import REFIT_PERMISSION, forecast_refit_start
from config.errors import DomainError
from config.reports import report_job_for, report_job_start

VIEW_PERM = "analytics.view_oeedaily"


def _page(request: HttpRequest, line: ProductionLine | None) -> HttpResponse:
    """The dashboard and the line page are one page narrowed or not: filters, cards, trend (with
    the forecast for a line's daily view when the range reaches the forecast), Pareto, accuracy."""
    form = OeeFilterForm(request.GET or None)
    filters = form.filters()
    if line is None and form.is_valid():
        line = form.cleaned_data.get("line")
    period = {"date_from": filters["date_from"], "date_to": filters["date_to"]}
    rows = selectors.oee_series(line=line, granularity=filters["granularity"], **period)
    subject = line.code if line else "the plant"
    forecast = None
    if line is not None and filters["granularity"] == "day":
        forecast = selectors.line_forecast(line=line, horizon=30)
        if forecast and filters["date_to"] < forecast["model"]["train_to"]:
            forecast = None  # a past range: the forecast starts after it
    cards = [
        card
        for card in selectors.line_cards(**period)
        if line is None or card["line"].pk == line.pk
    ]
    job_id = request.GET.get("job", "")
    job = report_job_for(job_id=int(job_id), user=request.user) if job_id.isdigit() else None
    context = {
        "form": form,
        "export_form": OeeExportForm(
            initial={**filters, "line": line.code if line else None, "file_format": "csv"}
        ),
        "report_job": job,
        "can_import": request.user.has_perm("analytics.add_oeedaily"),
        "can_refit": request.user.has_perm(REFIT_PERMISSION),
        "line": line,
        "filters": filters,
        "cards": cards,
        "plant": selectors.plant_summary(**period),
        "accuracy": [selectors.live_accuracy(line=card["line"]) for card in cards],
        "charts": [
            charts.trend_chart(
                rows, chart_id="oee-trend", title=f"OEE of {subject}", forecast=forecast
            ),
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


@require_POST
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def export_start(request: HttpRequest) -> HttpResponse:
    """Start the OEE report as a background job and return to the page, which shows its progress."""
    form = OeeExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("analytics:oee-dashboard")
    try:
        job = report_job_start(
            kind="oee_daily",
            parameters=form.report_parameters(),
            file_format=form.cleaned_data["file_format"],
            user=request.user,
        )
    except DomainError as refused:  # the queue is down: say so on the page, nothing started
        messages.error(request, " ".join(refused.messages))
        return redirect("analytics:oee-dashboard")
    messages.success(request, "The OEE report is being prepared; the bar below shows progress.")
    return redirect(f"{reverse('analytics:oee-dashboard')}?{urlencode({'job': job.pk})}")


@require_POST
@login_required
@permission_required(REFIT_PERMISSION, raise_exception=True)
def refit_start(request: HttpRequest) -> HttpResponse:
    """Refit the forecasts of every line (or the line shown) as one background job and return to
    the page, which follows its progress line by line."""
    form = OeeRefitForm(request.POST)
    line = form.cleaned_data.get("line") if form.is_valid() else None
    back = (
        reverse("analytics:oee-line", args=[line.code])
        if line
        else reverse("analytics:oee-dashboard")
    )
    if form.errors:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(back)
    try:
        job = forecast_refit_start(user=request.user, line=line)
    except DomainError as refused:  # the queue is down: say so on the page, nothing started
        messages.error(request, " ".join(refused.messages))
        return redirect(back)
    messages.success(request, "Forecasts are being refitted; the bar below shows each line done.")
    return redirect(f"{back}?{urlencode({'job': job.pk})}")


@require_POST
@login_required
@permission_required("analytics.add_oeedaily", raise_exception=True)
def import_report(request: HttpRequest) -> HttpResponse:
    """Upload a plant OEE report (the same import as `manage.py import_oee_daily`)."""
    form = OeeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file to import.")
        return redirect("analytics:oee-dashboard")
    try:
        summary = oee_report_import(content=form.cleaned_data["file"].read())
    except DomainError as refused:
        for message in refused.messages:
            messages.error(request, message)
        messages.error(request, "Nothing was imported.")
        return redirect("analytics:oee-dashboard")
    for line in summary_lines(summary):
        messages.success(request, line)
    return redirect("analytics:oee-dashboard")
