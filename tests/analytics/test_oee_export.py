"""The OEE export runs as a background ReportJob: progress, result file, errors, redelivery."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from config.models import ReportJob
from config.reports import report_job_run
from tests.factories import OeeDailyFactory, ProductionLineFactory

pytestmark = pytest.mark.django_db

FORM = {"date_from": "2026-01-01", "date_to": "2026-01-31", "file_format": "csv"}


@pytest.fixture
def days():
    line = ProductionLineFactory(code="EXP-1")
    for _ in range(3):
        OeeDailyFactory(line=line, planned_seconds=100, run_seconds=50, oee=Decimal("0.5"))
    OeeDailyFactory(line=line, flags=["good_above_total"], is_flagged=True, source="import")


@pytest.fixture
def viewer(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    return client


def test_an_export_started_on_the_page_finishes_and_its_csv_downloads(viewer, days):
    response = viewer.post("/analytics/oee/export/", FORM)
    assert response.status_code == 302 and "?job=" in response["Location"]
    job = ReportJob.objects.get()
    page = viewer.get(response["Location"]).content.decode()
    assert f'data-report-job="/reports/{job.pk}/"' in page and "<progress" in page
    state = viewer.get(f"/reports/{job.pk}/").json()
    assert state["status"] == "done" and state["progress"] == 100
    download = viewer.get(state["download"])
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][:2] == ["line", "date"] and len(rows) == 5
    assert rows[-1][-1] == "good_above_total"  # the flagged day is exported, flagged


def test_an_xlsx_export_opens_as_a_workbook(viewer, days):
    viewer.post("/analytics/oee/export/", {**FORM, "file_format": "xlsx", "line": "EXP-1"})
    job = ReportJob.objects.get()
    content = b"".join(viewer.get(f"/reports/{job.pk}/download/").streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 5 and sheet.cell(1, 1).value == "line"


def test_someone_elses_job_is_not_found(viewer, days, user_in_role):
    viewer.post("/analytics/oee/export/", FORM)
    job = ReportJob.objects.get()
    viewer.force_login(user_in_role("planner"))
    assert viewer.get(f"/reports/{job.pk}/").status_code == 404


def test_a_failed_job_shows_its_error(viewer, monkeypatch):
    from config import reports

    monkeypatch.setitem(reports.REPORTS, "oee_daily", "builtins.no_such_report")
    viewer.post("/analytics/oee/export/", FORM)
    state = viewer.get(f"/reports/{ReportJob.objects.get().pk}/").json()
    assert state["status"] == "failed" and "ImportError" in state["error"]
    assert state["download"] is None


def test_a_redelivered_task_of_a_finished_job_changes_nothing(viewer, days):
    viewer.post("/analytics/oee/export/", FORM)
    job = ReportJob.objects.get()
    again = report_job_run(job_id=job.pk)
    assert (again.status, again.finished_at, again.result.name) == (
        "done",
        job.finished_at,
        job.result.name,
    )


def test_an_export_while_the_queue_is_down_is_refused_on_the_page_and_leaves_no_job(
    viewer, monkeypatch
):
    from config.tasks import run_report_task

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(run_report_task, "apply_async", broker_down)
    response = viewer.post("/analytics/oee/export/", FORM, follow=True)
    assert "background job queue is unreachable" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_the_superuser_sees_report_jobs_in_the_admin(client, user_in_role, days):
    client.force_login(user_in_role("viewer"))
    client.post("/analytics/oee/export/", FORM)
    client.force_login(user_in_role("superuser"))
    page = client.get("/admin/partline/reportjob/").content.decode()
    assert "oee_daily" in page and "Done" in page
