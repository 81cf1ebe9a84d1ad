"""The OEE pages: cards per line with target and world class, flagged days counted, both charts
with their tables behind a toggle, the line page."""

import datetime
from decimal import Decimal

import pytest

from analytics.oee.services import oee_daily_recompute_range
from tests.factories import LineProductFactory, OeeDailyFactory, ProductionRunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_line_with_a_run_and_a_flagged_day():
    today = datetime.date.today()
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"), line__code="ARM-1")
    ProductionRunFactory(
        product=product,
        shift_start=datetime.datetime.combine(today, datetime.time(6), tzinfo=datetime.UTC),
    )
    oee_daily_recompute_range()
    OeeDailyFactory(
        line=product.line,
        date=today - datetime.timedelta(days=3),
        source="import",
        run_seconds=100,
        total_count=50,
        ideal_seconds=500,
        performance=Decimal("5"),
        flags=["performance_over_100"],
        is_flagged=True,
    )
    return product.line


def test_the_dashboard_shows_a_card_per_line_with_target_world_class_and_flagged_days(
    client, user_in_role, a_line_with_a_run_and_a_flagged_day
):
    client.force_login(user_in_role("viewer"))
    page = client.get("/analytics/oee/").content.decode()
    assert 'data-line="ARM-1"' in page
    assert "target 85 %" in page and "world class 85 %" in page
    assert "1 flagged" in page and "1 flagged day left out of the plant figures" in page
    assert "A 85.7 %" in page and "Q 98.3 %" in page
    assert page.count("<details") == 1 and "Show the numbers" in page  # the Pareto is empty
    assert 'data-chart="oee-trend"' in page and 'data-chart="oee-pareto"' not in page


def test_the_line_page_shows_its_flagged_day_as_reported_not_as_zero(
    client, user_in_role, a_line_with_a_run_and_a_flagged_day
):
    client.force_login(user_in_role("viewer"))
    page = client.get("/analytics/oee/ARM-1/").content.decode()
    assert "OEE of line ARM-1" in page
    assert "500.0" in page  # performance 5 (500 %) as reported, in the trend table
    assert "performance_over_100" in page


def test_an_unknown_line_page_is_404_and_bad_filters_fall_back_to_defaults(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    assert client.get("/analytics/oee/NOPE/").status_code == 404
    response = client.get("/analytics/oee/", {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert "must not be after" in response.content.decode()


def test_a_planner_imports_a_plant_report_on_the_page_and_reads_the_summary(client, user_in_role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from analytics.models import OeeDaily

    client.force_login(user_in_role("planner"))
    assert "Import a plant report" in client.get("/analytics/oee/").content.decode()
    content = (
        b"PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        b"Total_Actual_Output,Ideal_Cycle_Time_Seconds\nP1,2026-03-02,100,0,5,5\n"
    )
    upload = SimpleUploadedFile("r.csv", content, content_type="text/csv")
    page = client.post("/analytics/oee/import/", {"file": upload}, follow=True).content.decode()
    assert "Loaded 1 row(s)" in page and "Output with no run time" in page
    assert OeeDaily.objects.get().is_flagged


def test_a_malformed_report_uploaded_on_the_page_names_its_rows_and_imports_nothing(
    client, user_in_role
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from analytics.models import OeeDaily

    client.force_login(user_in_role("manager"))
    content = (
        b"PRODUCTION_LINE,Date,Planned_Production_Time_Seconds,Actual_Run_Time_Seconds,"
        b"Total_Actual_Output,Ideal_Cycle_Time_Seconds\nP1,2026-13-02,100,0,5,5\n"
    )
    upload = SimpleUploadedFile("r.csv", content, content_type="text/csv")
    page = client.post("/analytics/oee/import/", {"file": upload}, follow=True).content.decode()
    assert "Row 2: Date" in page and "Nothing was imported." in page
    assert not OeeDaily.objects.exists()


def test_a_viewer_sees_no_import_form(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    assert 'id="oee-import"' not in client.get("/analytics/oee/").content.decode()
