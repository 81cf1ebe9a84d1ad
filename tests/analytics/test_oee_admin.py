"""The OEE admin: runs and downtime recorded through the services, plant reports uploaded."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.models import DowntimeEvent, OeeDaily, ProductionRun
from tests.factories import LineProductFactory, ProductionLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, user_in_role):
    client.force_login(user_in_role("manager"))
    return client


@pytest.mark.parametrize(
    "page",
    [
        "productionline",
        "shiftcalendar",
        "productionrun",
        "downtimeevent",
        "oeedaily",
        "forecastmodel",
        "prediction",
    ],
)
def test_every_oee_admin_list_and_add_page_opens(manager_client, page):
    assert manager_client.get(f"/admin/analytics/{page}/").status_code == 200


def test_a_run_added_in_the_admin_is_refused_like_the_api_with_the_field_named(manager_client):
    product = LineProductFactory()
    form = {
        "line": product.line.pk,
        "product": product.pk,
        "shift_start_0": "2026-03-02",
        "shift_start_1": "06:00:00",
        "shift_end_0": "2026-03-02",
        "shift_end_1": "14:00:00",
        "planned_seconds": 25200,
        "run_seconds": 21600,
        "total_count": 600,
        "good_count": 700,
        "reject_count": 0,
        "rework_count": 0,
    }
    response = manager_client.post("/admin/analytics/productionrun/add/", form)
    assert response.status_code == 200
    assert "more than was produced" in response.content.decode()
    assert not ProductionRun.objects.exists()

    form["good_count"] = 590
    response = manager_client.post("/admin/analytics/productionrun/add/", form)
    assert response.status_code == 302
    run = ProductionRun.objects.get()
    assert OeeDaily.objects.get().date == datetime.date(2026, 3, 2)
    manager_client.post(f"/admin/analytics/productionrun/{run.pk}/delete/", {"post": "yes"})
    assert not ProductionRun.objects.exists() and not OeeDaily.objects.exists()


def test_overlapping_downtime_added_in_the_admin_is_refused(manager_client):
    line = ProductionLineFactory()
    form = {
        "line": line.pk,
        "start_0": "2026-03-02",
        "start_1": "08:00:00",
        "end_0": "2026-03-02",
        "end_1": "09:00:00",
        "reason": "jam",
    }
    assert manager_client.post("/admin/analytics/downtimeevent/add/", form).status_code == 302
    form["start_1"] = "08:30:00"
    form["end_1"] = "09:30:00"
    response = manager_client.post("/admin/analytics/downtimeevent/add/", form)
    assert "overlaps event" in response.content.decode()
    assert DowntimeEvent.objects.count() == 1


def test_a_plant_report_uploaded_in_the_admin_is_imported(manager_client):
    content = (
        b"PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        b"Total_Actual_Output,Ideal_Cycle_Time_Seconds\nL9,2026-03-02,28800,25200,700,30\n"
    )
    upload = SimpleUploadedFile("report.csv", content, content_type="text/csv")
    response = manager_client.post(
        "/admin/analytics/oeedaily/import/", {"file": upload}, follow=True
    )
    assert "Loaded 1 row(s)" in response.content.decode()
    assert OeeDaily.objects.get().line.code == "L9"
