"""The OEE API: the documented shapes, the plant as a ratio of sums, bulk ingestion."""

import datetime
from decimal import Decimal

import pytest

from analytics.models import DowntimeEvent, OeeDaily, ProductionRun
from tests.factories import LineProductFactory

pytestmark = pytest.mark.django_db


def run_item(product, day=2, **fields):
    return {
        "line": product.line.code,
        "part": product.part.sku,
        "shift_start": f"2026-03-{day:02d}T06:00:00Z",
        "shift_end": f"2026-03-{day:02d}T14:00:00Z",
        "planned_seconds": 28800,
        "run_seconds": 14400,
        "total_count": 480,
        "good_count": 480,
        **fields,
    }


def test_bulk_runs_are_recorded_and_the_oee_answers_in_the_documented_shape(client_for):
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    client = client_for("planner")
    response = client.post(
        "/api/oee/runs/", [run_item(product, 2), run_item(product, 3)], format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2 and ProductionRun.objects.count() == 2

    response = client.get(
        "/api/oee/", {"line": product.line.code, "from": "2026-03-02", "to": "2026-03-08"}
    )
    [first, second] = response.json()["results"]
    assert first["line"] == product.line.code and first["period_start"] == "2026-03-02"
    assert first["availability"] == 0.5 and first["performance"] == 1.0
    assert first["oee"] == 0.5 and first["flags"] == [] and first["planned_seconds"] == 28800

    week = client.get(
        "/api/oee/", {"from": "2026-03-02", "to": "2026-03-08", "granularity": "week"}
    )
    [plant] = week.json()["results"]
    assert plant["line"] is None and plant["days"] == 2 and plant["oee"] == 0.5


def test_bulk_downtime_feeds_the_loss_pareto(client_for):
    product = LineProductFactory()
    client = client_for("manager")
    items = [
        {
            "line": product.line.code,
            "start": "2026-03-02T08:00:00Z",
            "end": "2026-03-02T08:45:00Z",
            "reason": "changeover",
        },
        {
            "line": product.line.code,
            "start": "2026-03-02T09:00:00Z",
            "end": "2026-03-02T09:05:00Z",
            "reason": "jam",
        },
    ]
    assert client.post("/api/oee/downtime/", items, format="json").status_code == 201
    assert DowntimeEvent.objects.count() == 2
    pareto = client.get("/api/oee/losses/", {"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert [c["category"] for c in pareto["categories"]] == ["setup", "small_stop"]
    assert pareto["total_minutes"] == 50.0


def test_a_viewer_reads_oee_but_cannot_record_runs(client_for):
    product = LineProductFactory()
    client = client_for("viewer")
    assert client.get("/api/oee/").status_code == 200
    response = client.post("/api/oee/runs/", [run_item(product)], format="json")
    assert response.status_code == 403
    assert not OeeDaily.objects.exists()


def test_with_no_range_the_last_30_days_up_to_today_are_answered(client_for):
    product = LineProductFactory(ideal_cycle_seconds=Decimal("30"))
    today = datetime.date.today()
    client = client_for("planner")
    for day in (today, today - datetime.timedelta(days=30)):
        start = datetime.datetime.combine(day, datetime.time(6), tzinfo=datetime.UTC)
        item = run_item(
            product,
            shift_start=start.isoformat(),
            shift_end=(start + datetime.timedelta(hours=8)).isoformat(),
        )
        assert client.post("/api/oee/runs/", [item], format="json").status_code == 201
    results = client.get("/api/oee/", {"line": product.line.code}).json()["results"]
    assert [row["period_start"] for row in results] == [today.isoformat()]


def test_the_bulk_endpoints_document_a_json_list_body_only():
    # A list has no form encoding: documenting multipart let the fuzzer send one, answered with
    # an undocumented 415.
    from tests.quality.test_api_fuzz import _own_schema

    paths = _own_schema()["paths"]
    for path in ("/api/oee/runs/", "/api/oee/downtime/"):
        content = paths[path]["post"]["requestBody"]["content"]
        assert list(content) == ["application/json"], path
        assert content["application/json"]["schema"]["type"] == "array", path
