"""The order map's API: heatmap and coverage answers, 400s naming parameters, lists, exports."""

from datetime import UTC, datetime

import pytest

from analytics.geo.models import MarketingArea
from analytics.geo.refresh import rollup_rebuild_city
from tests.factories import CityFactory, OrderFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def berlin():
    city = CityFactory(code="BER")
    vendor = VendorFactory(city=city, code="V1")
    for hour in range(5):
        OrderFactory(
            vendor=vendor,
            created_at=datetime(2026, 3, 2, 8 + hour, tzinfo=UTC),
            latitude=52.5 + hour * 0.01,
            longitude=13.4,
        )
    rollup_rebuild_city(city_id=city.pk)
    return city


def test_heatmap_answers_cells_with_exact_counts_and_display_values(client_for, berlin):
    response = client_for("viewer").get(
        "/api/geo/heatmap/",
        {"city": "BER", "from": "2026-03-01", "to": "2026-03-31", "resolution": "9"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "order_density" and body["resolution"] == 9
    assert sorted(cell["count"] for cell in body["cells"]) == [1, 1, 1, 1, 1]
    assert {"h3", "count", "value"} == set(body["cells"][0])


def test_heatmap_as_geojson_gives_the_same_numbers_as_hexagons(client_for, berlin):
    response = client_for("viewer").get(
        "/api/geo/heatmap/?city=BER&from=2026-03-01&to=2026-03-31&hours=8-9&format=geojson"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert sum(f["properties"]["count"] for f in body["features"]) == 2
    ring = body["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("type=heat", "type"),
        ("resolution=12", "resolution"),
        ("from=yesterday", "from"),
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("hours=20-8", "hours"),
        ("weekdays=0,8", "weekdays"),
        ("grade=E", "grade"),
        ("area=abc", "area"),
    ],
)
def test_a_bad_heatmap_parameter_is_a_400_naming_it(client_for, berlin, query, named):
    response = client_for("viewer").get(f"/api/geo/heatmap/?city=BER&{query}")
    assert response.status_code == 400
    assert named in response.json()


def test_heatmap_without_a_city_or_with_an_unknown_one_is_a_400_naming_city(client_for, db):
    client = client_for("viewer")
    assert "city" in client.get("/api/geo/heatmap/").json()
    assert client.get("/api/geo/heatmap/?city=NOPE").json() == {"city": ["Unknown city 'NOPE'."]}


def test_coverage_answers_cells_areas_and_top_uncovered(client_for, berlin):
    response = client_for("viewer").get(
        "/api/geo/coverage/?city=BER&from=2026-03-01&to=2026-03-31&radius_km=0.5"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["summary"]["orders"] == 5
    assert body["top_uncovered"]


def test_orders_are_cursor_paginated_and_exported_as_streamed_csv(client_for, berlin):
    client = client_for("viewer")
    page = client.get("/api/geo/orders/?city=BER").json()
    assert len(page["results"]) == 5 and "next" in page
    assert client.get("/api/geo/orders/?cursor=bogus").json() == {
        "cursor": ["Invalid cursor: use the next/previous links."]
    }
    response = client.get("/api/geo/orders/export/?city=BER")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("order_id,vendor_code,city,") and len(lines) == 6


def test_an_area_upload_is_validated_against_the_city(client_for, berlin):
    client = client_for("planner")
    square = [[13.3, 52.45], [13.5, 52.45], [13.5, 52.55], [13.3, 52.55], [13.3, 52.45]]
    ok = client.post(
        "/api/geo/areas/",
        {"name": "Centre", "city": "BER", "geojson": {"type": "Polygon", "coordinates": [square]}},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    open_ring = {"type": "Polygon", "coordinates": [square[:-1]]}
    refused = client.post(
        "/api/geo/areas/", {"name": "Open", "city": "BER", "geojson": open_ring}, format="json"
    )
    assert refused.status_code == 400
    assert "closed" in refused.json()["geojson"][0]
    assert MarketingArea.objects.count() == 1


def test_refresh_now_on_a_source_records_a_run(client_for, tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("vendor_code,grade\nV1,B\n")
    VendorFactory(code="V1")
    client = client_for("manager")
    source = client.post(
        "/api/geo/sources/",
        {"name": "grades", "kind": "grades", "source_type": "csv", "url": str(path)},
        format="json",
    ).json()
    response = client.post(f"/api/geo/sources/{source['id']}/refresh/")
    assert response.status_code == 202
    assert response.json()["status"] == "succeeded" and response.json()["rows_updated"] == 1
    runs = client.get("/api/geo/refresh-runs/").json()["results"]
    assert runs[0]["source"] == "grades"


def test_a_metabase_source_needs_a_card_id(client_for, db):
    response = client_for("manager").post(
        "/api/geo/sources/",
        {"name": "mb", "kind": "orders", "source_type": "metabase", "url": "https://mb"},
        format="json",
    )
    assert response.status_code == 400 and "card_id" in response.json()


def test_the_vendor_view_gives_orders_per_day_and_the_share_of_demand_in_its_radius(
    client_for, berlin
):
    vendor = berlin.vendors.get()
    other = VendorFactory(city=berlin, code="V2")
    OrderFactory(vendor=other, created_at=datetime(2026, 3, 3, 9, tzinfo=UTC), latitude=52.5)
    response = client_for("viewer").get(
        f"/api/geo/vendors/{vendor.pk}/summary/?from=2026-03-01&to=2026-03-31"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["orders_per_day"] == [{"day": "2026-03-02", "orders": 5}]
    # Radius 3 km around 52.5, 13.4: its orders at 0, 1.1 and 2.2 km are inside (3.3 and 4.4 km
    # are not), and so is the other vendor's order at 52.5, 13.41.
    assert (body["demand_in_radius"], body["own_orders_in_radius"]) == (4, 3)
    assert body["share_percent"] == 75.0


def test_the_map_pages_accept_header_gets_geojson_when_format_asks_for_it(client_for, berlin):
    # The map page sends Accept: application/json, application/geo+json; with Accept naming
    # only application/json, DRF answers format=geojson with 406.
    response = client_for("viewer").get(
        "/api/geo/heatmap/?city=BER&from=2026-03-01&to=2026-03-31&format=geojson",
        HTTP_ACCEPT="application/json, application/geo+json",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")


def test_the_orders_export_writes_formula_like_cells_as_text(client_for, berlin):
    OrderFactory(
        vendor=VendorFactory(city=berlin, code="V2"),
        order_id='=HYPERLINK("http://x")',
        user_id="@evil",
        created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        latitude=52.5,
        longitude=13.4,
    )
    response = client_for("viewer").get("/api/geo/orders/export/?city=BER")
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text and "'@evil" in text
    assert "\n=HYPERLINK" not in text and ",@evil" not in text
