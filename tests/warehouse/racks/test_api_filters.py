"""Rack API filters and asset edits: the shared id rules, bad numbers answered 400, not 500."""

import pytest

from tests.factories import AssetFactory, RackFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def test_racks_api_takes_a_warehouse_code(client_for):
    warehouse = WarehouseFactory(code="WH0")
    rack = RackFactory(warehouse=warehouse, code="R-A")
    RackFactory(code="R-B")
    response = client_for("viewer").get("/api/racks/?warehouse=WH0")
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [rack.pk]


def test_racks_api_still_takes_a_warehouse_id(client_for):
    rack = RackFactory(code="R-A")
    RackFactory(code="R-B")
    response = client_for("viewer").get(f"/api/racks/?warehouse={rack.warehouse_id}")
    assert [row["id"] for row in response.json()["results"]] == [rack.pk]


def test_assets_api_takes_a_warehouse_code(client_for):
    rack = RackFactory()
    stored = AssetFactory(location=rack)
    AssetFactory()
    response = client_for("viewer").get(f"/api/assets/?warehouse={rack.warehouse.code}")
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [stored.pk]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/assets/?part=-2.8e+98", "part"),
        ("/api/assets/?rack=1e400", "rack"),
        ("/api/connections/?asset=-3.5e+157", "asset"),
        ("/api/assets/?warehouse=99999999999999999999", "warehouse"),
        ("/api/racks/?warehouse=99999999999999999999", "warehouse"),
        ("/api/racks/?warehouse=NOPE", "warehouse"),
    ],
)
def test_an_out_of_range_or_unknown_id_in_a_rack_api_filter_is_a_400(client_for, url, field):
    response = client_for("viewer").get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_clearing_an_asset_tag_is_allowed_for_two_assets(client_for):
    first, second = AssetFactory(asset_tag="T-1"), AssetFactory(asset_tag="T-2")
    client = client_for("planner")
    for asset in (first, second):
        response = client.patch(f"/api/assets/{asset.pk}/", {"asset_tag": ""}, format="json")
        assert response.status_code == 200, response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.asset_tag is None and second.asset_tag is None
