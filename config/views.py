"""The home dashboard: a few live figures from each app."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from config.models import ReportJob
from config.reports import report_job_for, report_job_state

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


def _own_job(request: HttpRequest, pk: int) -> ReportJob:
    job = report_job_for(job_id=pk, user=request.user)
    if job is None:
        raise Http404("No such report job of yours.")
    return job


@require_safe
@login_required
def report_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The progress bar polls this: status, percent, message, error, download link."""
    job = _own_job(request, pk)
    download = reverse("report-job-download", args=[job.pk])
    return JsonResponse(report_job_state(job, download_url=download))


@require_safe
@login_required
def report_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.result:
        raise Http404("The report is not ready.")
    name = job.result.name.rsplit("/", 1)[-1]
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=name)
