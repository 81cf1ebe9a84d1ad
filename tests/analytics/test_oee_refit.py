"""Refitting forecasts from the page or the API: one ReportJob whose progress advances per line
fitted, followed by the same progress bar and status endpoint as the exports."""

import csv
import io

import pytest

from analytics.models import ForecastModel
from analytics.oee import forecasting
from analytics.oee.charts import forecast_datasets
from analytics.oee.reports import forecast_refit_report
from analytics.oee.services import oee_daily_import
from config.models import ReportJob
from tests.analytics.forecast_data import FAST, FIRST, WEEK, report_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_methods(monkeypatch):
    fast = {name: forecasting.METHODS[name] for name in FAST}
    monkeypatch.setattr(forecasting, "METHODS", fast)


@pytest.fixture
def two_lines(weekday_line):
    import datetime

    rows = [
        report_row("FC-2", FIRST + datetime.timedelta(days=offset), WEEK[offset % 7 % 5])
        for offset in range(7 * 20)
        if (FIRST + datetime.timedelta(days=offset)).weekday() < 5
    ]
    oee_daily_import(rows=rows)
    return ["FC-1", "FC-2"]


def _outcome(client, job):
    content = b"".join(client.get(f"/reports/{job.pk}/download/").streaming_content)
    return list(csv.reader(io.StringIO(content.decode())))


def test_a_planner_refits_every_line_from_the_page_as_one_job_with_progress(
    client, user_in_role, two_lines
):
    client.force_login(user_in_role("planner"))
    page = client.get("/analytics/oee/").content.decode()
    assert 'action="/analytics/oee/refit/"' in page and "Refit forecasts of every line" in page
    response = client.post("/analytics/oee/refit/")
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/analytics/oee/?job={job.pk}"
    assert job.kind == "oee_refit" and job.parameters == {"line": None, "horizon": 30}
    page = client.get(response["Location"]).content.decode()
    assert f'data-report-job="/reports/{job.pk}/"' in page and 'aria-label="Refit progress"' in page
    state = client.get(f"/reports/{job.pk}/").json()
    assert state["status"] == "done" and state["progress"] == 100
    outcome = _outcome(client, job)
    assert [row[0] for row in outcome[1:]] == ["FC-1", "FC-2"]
    assert {row[1] for row in outcome[1:]} <= set(FAST)
    assert ForecastModel.objects.filter(is_current=True).count() == 2


def test_the_refit_button_on_a_line_page_refits_that_line_only(client, user_in_role, two_lines):
    client.force_login(user_in_role("manager"))
    assert "Refit forecasts of FC-2" in client.get("/analytics/oee/FC-2/").content.decode()
    response = client.post("/analytics/oee/refit/", {"line": "FC-2"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"/analytics/oee/FC-2/?job={job.pk}"
    assert [row[0] for row in _outcome(client, job)[1:]] == ["FC-2"]
    assert list(ForecastModel.objects.values_list("line__code", flat=True)) == ["FC-2"]


def test_a_viewer_sees_no_refit_button_and_is_refused(client, user_in_role, weekday_line):
    client.force_login(user_in_role("viewer"))
    assert "/analytics/oee/refit/" not in client.get("/analytics/oee/").content.decode()
    assert client.post("/analytics/oee/refit/").status_code == 403
    assert not ReportJob.objects.exists()


def test_the_refit_job_reports_progress_after_each_line_fitted(two_lines):
    calls = []
    name, content = forecast_refit_report(
        parameters={"line": None, "horizon": 3},
        file_format="csv",
        progress=lambda done, total, counted: calls.append((done, total, counted)),
    )
    assert name == "forecast-refit-plant.csv" and content.startswith(b"line,outcome")
    assert calls == [
        (1, 2, "lines fitted (last FC-1)"),
        (2, 2, "lines fitted (last FC-2)"),
    ]


def test_the_api_refit_starts_the_same_job_kind_and_names_its_status_url(client_for, two_lines):
    client = client_for("planner")
    response = client.post(
        "/api/oee/forecast/refit/", {"line": "FC-1", "horizon": 5}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    job = ReportJob.objects.get()
    assert (body["job"], body["status"]) == (str(job.pk), f"/reports/{job.pk}/")
    assert job.kind == "oee_refit" and job.parameters == {"line": "FC-1", "horizon": 5}
    job.refresh_from_db()
    assert job.status == "done" and job.message == "forecast-refit-FC-1.csv ready"


def test_the_api_refit_refuses_an_unknown_line_or_horizon(client_for, weekday_line):
    client = client_for("manager")
    assert (
        client.post("/api/oee/forecast/refit/", {"line": "NOPE"}, format="json").status_code == 400
    )
    assert (
        client.post("/api/oee/forecast/refit/", {"horizon": 31}, format="json").status_code == 400
    )
    assert not ReportJob.objects.exists()


def test_the_band_edges_are_left_out_of_the_chart_legend():
    import datetime

    point = {k: 0.5 for k in ("value", "lower80", "upper80", "lower95", "upper95")}
    forecast = {
        "model": {"method": "sarima"},
        "results": [{"date": datetime.date.today(), **point}],
    }
    _, datasets = forecast_datasets(forecast, padding=0)
    in_legend = [d["label"] for d in datasets if d.get("inLegend", True)]
    assert in_legend == ["Forecast (sarima)", "95 % interval", "80 % interval"]


def test_a_refit_while_the_queue_is_down_is_refused_on_the_line_page_and_leaves_no_job(
    client,
    user_in_role,
    weekday_line,
    monkeypatch,
):
    from config.tasks import run_report_task

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(run_report_task, "apply_async", broker_down)
    client.force_login(user_in_role("planner"))
    response = client.post("/analytics/oee/refit/", {"line": "FC-1"})
    assert response["Location"] == "/analytics/oee/FC-1/"
    assert (
        "background job queue is unreachable" in client.get("/analytics/oee/FC-1/").content.decode()
    )
    assert not ReportJob.objects.exists()


def test_a_refit_of_an_unknown_line_from_the_page_is_refused_readably(client, user_in_role):
    client.force_login(user_in_role("planner"))
    response = client.post("/analytics/oee/refit/", {"line": "NOPE"}, follow=True)
    assert "valid choice" in response.content.decode()
    assert not ReportJob.objects.exists()
