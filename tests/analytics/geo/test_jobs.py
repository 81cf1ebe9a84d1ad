"""Heavy map questions as report jobs: refused synchronously with a 400 naming the job endpoint,
the job's file equals the synchronous computation, and token clients follow jobs over the API."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from analytics.geo.params import coverage_params, heatmap_params
from analytics.geo.refresh import rollup_rebuild_city
from analytics.geo.reports import (
    COVERAGE_JOB_URL,
    HEATMAP_JOB_URL,
    heatmap_counts_with_progress,
    heatmap_is_heavy,
)
from analytics.geo.selectors import coverage, heatmap, heatmap_counts
from config.models import ReportJob
from tests.analytics.geo.test_heatmap import make_orders
from tests.factories import CityFactory, MarketingAreaFactory, OrderFactory, VendorFactory

pytestmark = pytest.mark.django_db

# make_orders spreads orders over Jan 20 – Apr 10 2026: a 120-day period is over the limit.
LONG = {"city": "BER", "from": "2026-01-01", "to": "2026-04-30"}


def _download(client: APIClient, body: dict) -> bytes:
    state = client.get(body["status"]).json()
    assert state["status"] == "done", state
    assert (state["progress"], state["download"]) == (100, body["download"])
    response = client.get(body["download"])
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "extra",
    [
        {"type": "user_density", "resolution": "8"},
        {"type": "order_density", "resolution": "7", "hours": "8-20"},
        {"type": "organic", "resolution": "9", "weekdays": "1,3,5", "grade": "A"},
    ],
)
def test_a_heavy_heatmap_is_refused_at_once_and_its_job_equals_the_synchronous_answer(
    client_for, extra
):
    make_orders(250)
    client = client_for("viewer")
    query = {**LONG, **extra}

    refused = client.get("/api/geo/heatmap/", query)
    assert refused.status_code == 400
    assert HEATMAP_JOB_URL in refused.json()["from"][0]

    started = client.post(HEATMAP_JOB_URL, query, format="json")
    assert started.status_code == 202, started.content
    job = ReportJob.objects.get()
    assert job.kind == "geo_heatmap" and job.parameters == query and job.file_format == "json"
    from_job = json.loads(_download(client, started.json()))

    cache.clear()  # the synchronous computation, from the database again
    assert from_job == json.loads(json.dumps(heatmap(heatmap_params(query))))
    assert sum(cell["count"] for cell in from_job["cells"]) > 0


def test_the_heatmap_job_writes_csv_rows_of_the_same_cells(client_for):
    make_orders(150)
    client = client_for("planner")
    query = {**LONG, "type": "user_density", "resolution": "7", "file_format": "csv"}
    started = client.post(HEATMAP_JOB_URL, query, format="json")
    assert started.status_code == 202
    rows = list(csv.reader(io.StringIO(_download(client, started.json()).decode())))
    expected = heatmap(heatmap_params(query))["cells"]
    assert rows[0] == ["h3", "count", "value"]
    assert rows[1:] == [[c["h3"], str(c["count"]), str(c["value"])] for c in expected]


def test_counts_are_summed_month_by_month_with_progress_per_month():
    make_orders(200)
    params = heatmap_params({**LONG, "hours": "6-22", "resolution": "8"})
    calls = []
    counts = heatmap_counts_with_progress(params, lambda *call: calls.append(call))
    assert counts == heatmap_counts(params)
    assert calls == [(month, 4, "months") for month in (1, 2, 3, 4)]


def test_what_is_heavy():
    short = {"city": "BER", "from": "2026-01-01", "to": "2026-04-02"}  # 92 days
    assert not heatmap_is_heavy(heatmap_params({**short, "type": "user_density"}))
    assert heatmap_is_heavy(heatmap_params({**LONG, "type": "user_density"}))
    assert heatmap_is_heavy(heatmap_params({**LONG, "grade": "B"}))
    # A long plain heatmap reads the monthly rollup: answered at once.
    assert not heatmap_is_heavy(heatmap_params({**LONG, "business_line": "food"}))


def test_a_long_plain_heatmap_is_still_answered_at_once(client_for):
    make_orders(50)
    response = client_for("viewer").get("/api/geo/heatmap/", {**LONG, "resolution": "7"})
    assert response.status_code == 200


@pytest.fixture
def small_city():
    city = CityFactory(
        code="SML", min_latitude=52.50, max_latitude=52.53, min_longitude=13.40, max_longitude=13.45
    )
    vendor = VendorFactory(city=city, latitude=52.51, longitude=13.42, radius_km=1, grade="A")
    VendorFactory(city=city, latitude=52.52, longitude=13.44, radius_km=1, grade="B")
    MarketingAreaFactory(
        city=city,
        geojson={
            "type": "Polygon",
            "coordinates": [[[13.40, 52.50], [13.43, 52.50], [13.43, 52.52], [13.40, 52.50]]],
        },
    )
    for index in range(30):
        OrderFactory(
            vendor=vendor,
            created_at=datetime(2026, 3, 1 + index % 28, 12, tzinfo=UTC),
            latitude=52.50 + index * 0.001,
            longitude=13.40 + index * 0.0015,
        )
    rollup_rebuild_city(city_id=city.pk)
    return city


def test_the_coverage_job_equals_the_synchronous_answer_with_every_cell(client_for, small_city):
    client = client_for("viewer")
    query = {"city": "SML", "from": "2026-03-01", "to": "2026-03-31", "radius_scale": "150"}
    started = client.post(COVERAGE_JOB_URL, {**query, "cells": "false"}, format="json")
    assert started.status_code == 202, started.content
    from_job = json.loads(_download(client, started.json()))
    cache.clear()
    synchronous = coverage(coverage_params({**query, "cells": "true"}))
    assert from_job == json.loads(json.dumps(synchronous))
    assert len(from_job["cells"]) > 100 and from_job["summary"]["orders"] == 30

    csv_job = client.post(COVERAGE_JOB_URL, {**query, "file_format": "csv"}, format="json")
    rows = list(csv.reader(io.StringIO(_download(client, csv_job.json()).decode())))
    assert rows[0] == ["h3", "vendors", "orders", "by_business_line", "by_grade"]
    assert [row[:3] for row in rows[1:]] == [
        [c["h3"], str(c["vendors"]), str(c["orders"])] for c in synchronous["cells"]
    ]


def test_a_city_wide_full_resolution_grid_over_the_limit_is_refused_at_once(client_for):
    CityFactory(
        code="BIG", min_latitude=52.0, max_latitude=53.0, min_longitude=13.0, max_longitude=14.0
    )
    client = client_for("viewer")
    refused = client.get("/api/geo/coverage/", {"city": "BIG"})
    assert refused.status_code == 400 and COVERAGE_JOB_URL in refused.json()["cells"][0]
    assert client.get("/api/geo/coverage/", {"city": "BIG", "cells": "false"}).status_code == 200
    assert client.get("/api/geo/coverage/", {"city": "BIG", "resolution": "7"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "named"),
    [
        (HEATMAP_JOB_URL, {"city": "BER", "file_format": "xlsx"}, "file_format"),
        (HEATMAP_JOB_URL, {"city": "NOPE"}, "city"),
        (HEATMAP_JOB_URL, {"city": "BER", "hours": "20-8"}, "hours"),
        (HEATMAP_JOB_URL, {}, "city"),
        (COVERAGE_JOB_URL, {"city": "BER", "radius_km": "-1"}, "radius_km"),
    ],
)
def test_a_job_with_a_bad_parameter_is_a_400_naming_it_and_records_nothing(
    client_for, url, body, named
):
    CityFactory(code="BER")
    response = client_for("viewer").post(url, body, format="json")
    assert response.status_code == 400 and named in response.json(), response.content
    assert not ReportJob.objects.exists()


def test_token_clients_follow_their_own_jobs_and_nobody_elses(user_in_role):
    make_orders(40)
    owner, other = user_in_role("viewer"), user_in_role("viewer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")
    started = client.post(HEATMAP_JOB_URL, {**LONG, "type": "user_density"}, format="json")
    assert started.status_code == 202
    body = started.json()
    state = client.get(body["status"]).json()
    assert state["kind"] == "geo_heatmap" and state["status"] == "done"
    assert client.get(body["download"], HTTP_ACCEPT="text/csv").status_code == 200

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other).key}")
    assert stranger.get(body["status"]).status_code == 404
    assert stranger.get(body["download"]).status_code == 404
    assert APIClient().get(body["status"]).status_code == 401
    superuser = user_in_role("superuser")
    admin = APIClient()
    admin.force_authenticate(superuser)
    assert admin.get(body["status"]).status_code == 200


def test_a_job_not_done_yet_has_no_download(user_in_role):
    owner = user_in_role("viewer")
    job = ReportJob.objects.create(kind="geo_heatmap", parameters={}, created_by=owner)
    client = APIClient()
    client.force_authenticate(owner)
    state = client.get(f"/api/reports/{job.pk}/").json()
    assert (state["status"], state["download"]) == ("queued", None)
    assert client.get(f"/api/reports/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("page", "job_url"),
    [("/analytics/map/", HEATMAP_JOB_URL), ("/analytics/map/coverage/", COVERAGE_JOB_URL)],
)
def test_the_map_pages_offer_the_job_and_cluster_vendor_markers(
    client, user_in_role, page, job_url
):
    CityFactory(code="BER")
    client.force_login(user_in_role("viewer"))
    html = client.get(page).content.decode()
    assert f'data-job-url="{job_url}"' in html and "csrfmiddlewaretoken" in html
    assert "js/reportjob.js" in html and "<progress" in html
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "vendor/leaflet.markercluster/MarkerCluster.Default.css" in html
